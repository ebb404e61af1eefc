package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func TestTenantsCreateAndList(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	run1 := func(args ...string) int {
		out.Reset()
		return run(context.Background(), append(args, "--data-dir", dir, "--log-level", "error"), &out, &out)
	}
	if code := run1("tenants", "create", "--name", "Acme Bank", "--json"); code != exitOK {
		t.Fatalf("create: %d %s", code, out.String())
	}
	var parent struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(out.Bytes(), &parent); err != nil || parent.ID == "" {
		t.Fatalf("create output %q: %v", out.String(), err)
	}
	if code := run1("tenants", "create", "--name", "Acme Kenya", "--parent", parent.ID); code != exitOK {
		t.Fatalf("create subsidiary: %d %s", code, out.String())
	}
	if code := run1("tenants", "create", "--name", "Orphan", "--parent", "no-such-tenant"); code != exitFailure {
		t.Fatalf("unknown parent: exit %d, want %d", code, exitFailure)
	}
	if code := run1("tenants", "list"); code != exitOK || !strings.Contains(out.String(), "Acme Kenya") || !strings.Contains(out.String(), parent.ID) {
		t.Fatalf("list: %d %s", code, out.String())
	}
}
