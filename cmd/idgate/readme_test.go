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
	return srv.URL(), srv.app.SandboxKey
}

// TestREADMEQuickstarts runs every README example marked <!-- quickstart -->
// against a live server, so the README cannot rot.
func TestREADMEQuickstarts(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := quickstartBlock.FindAllStringSubmatch(string(readme), -1)
	if len(blocks) < 5 {
		t.Fatalf("found %d quickstart blocks in README.md, want at least 5", len(blocks))
	}
	url, key := startServer(t)
	for i, b := range blocks {
		script := b[1]
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", script)
		cmd.Env = append(os.Environ(), "IDGATE_URL="+url, "KEY="+key)
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("README quickstart block %d failed: %v\n%s\n--- output\n%s", i+1, err, strings.TrimSpace(script), out)
		}
	}
}
