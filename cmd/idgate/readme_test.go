package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// quickstartBlock finds the shell blocks the README marks as executable.
var quickstartBlock = regexp.MustCompile("(?s)<!-- quickstart -->\\s*```sh\\n(.*?)```")

// startServer runs `idgate serve` in process on a free port with a fresh
// SQLite data folder and returns its URL and sandbox key.
func startServer(t *testing.T, extra ...string) (url, key string) {
	srv := startServerFull(t, extra...)
	return srv.URL(), srv.app.SandboxKey
}

// startServerFull is startServer returning the whole server.
func startServerFull(t *testing.T, extra ...string) *server {
	t.Helper()
	var c serveConfig
	fs := newFlagSet("serve", "", "", io.Discard)
	c.bind(fs)
	args := append([]string{"--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--log-level", "error", "--face=false"}, extra...)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := newServer(ctx, c, io.Discard, io.Discard)
	if err != nil {
		t.Fatalf("start server: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		srv.Close()
	})
	return srv
}

// TestREADMEQuickstarts runs every example marked <!-- quickstart --> in
// README.md and docs/QUICKSTART.md against a live server (with the face
// engine), so the docs cannot rot.
func TestREADMEQuickstarts(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	if testing.Short() {
		t.Skip("live server with the face engine in -short mode")
	}
	srv := startServerFull(t, "--face=true")
	for _, doc := range []struct {
		path      string
		minBlocks int
	}{{"../../README.md", 5}, {"../../docs/QUICKSTART.md", 6}} {
		text, err := os.ReadFile(doc.path)
		if err != nil {
			t.Fatal(err)
		}
		blocks := quickstartBlock.FindAllStringSubmatch(string(text), -1)
		if len(blocks) < doc.minBlocks {
			t.Fatalf("found %d quickstart blocks in %s, want at least %d", len(blocks), doc.path, doc.minBlocks)
		}
		for i, b := range blocks {
			script := b[1]
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
			cmd.Dir = "../.."
			cmd.Env = append(os.Environ(), "IDGATE_URL="+srv.URL(), "KEY="+srv.app.SandboxKey, "SUBKEY="+srv.app.SandboxSubscriptionKey)
			out, err := cmd.CombinedOutput()
			cancel()
			if err != nil {
				t.Errorf("%s quickstart block %d failed: %v\n%s\n--- output\n%s", doc.path, i+1, err, strings.TrimSpace(script), out)
			}
		}
	}
}

// TestReadyz checks the server reports ready with its database and face
// models loaded.
func TestReadyz(t *testing.T) {
	srv := startServerFull(t, "--face=true")
	out, err := exec.Command("curl", "-fsS", srv.URL()+"/readyz").CombinedOutput()
	if err != nil {
		t.Skipf("curl: %v %s", err, out)
	}
	if !strings.Contains(string(out), `"components":"ok"`) || !strings.Contains(string(out), `"ready":true`) {
		t.Fatalf("readyz = %s", out)
	}
}
