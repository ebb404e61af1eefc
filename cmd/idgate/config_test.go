package main

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
)

// TestConfigurationDocListsEveryFlag keeps docs/CONFIGURATION.md complete.
func TestConfigurationDocListsEveryFlag(t *testing.T) {
	doc, err := os.ReadFile("../../docs/CONFIGURATION.md")
	if err != nil {
		t.Fatal(err)
	}
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.bind(fs)
	fs.VisitAll(func(f *flag.Flag) {
		if !strings.Contains(string(doc), "`--"+f.Name+"`") {
			t.Errorf("docs/CONFIGURATION.md does not list --%s", f.Name)
		}
		env := "IDGATE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if !strings.Contains(f.Usage, env) || !strings.Contains(string(doc), env) {
			t.Errorf("--%s: environment variable %s missing from its usage or the doc", f.Name, env)
		}
	})
}

// TestEnvironmentDefaults checks that IDGATE_* variables set the defaults.
func TestEnvironmentDefaults(t *testing.T) {
	t.Setenv("IDGATE_LISTEN", "127.0.0.1:9999")
	t.Setenv("IDGATE_SANDBOX", "false")
	t.Setenv("IDGATE_CACHE_TTL", "2h")
	var c serveConfig
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.bind(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9999" || c.Sandbox || c.CacheTTL.Hours() != 2 {
		t.Fatalf("config from environment = %+v", c)
	}
	if err := fs.Parse([]string{"--listen", "127.0.0.1:1"}); err != nil || c.Listen != "127.0.0.1:1" {
		t.Fatalf("flag did not win over the environment: %v %s", err, c.Listen)
	}
}
