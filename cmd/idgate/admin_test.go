package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/dashboard"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

func TestAdminCommands(t *testing.T) {
	ctx := context.Background()
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	var out, errOut bytes.Buffer
	create := func(email, stdin string) error {
		out.Reset()
		errOut.Reset()
		return runAdminCreate(ctx, []string{"--email", email, "--password-stdin"}, st, strings.NewReader(stdin), &out, &errOut)
	}
	if err := create("Ops@Example.com", "correct horse battery staple\n"); err != nil {
		t.Fatalf("create: %v (%s)", err, errOut.String())
	}
	if !strings.Contains(out.String(), "created operator ops@example.com") {
		t.Errorf("create printed %q", out.String())
	}
	a, err := st.AdminByEmail(ctx, "ops@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !dashboard.VerifyPassword(a.PasswordHash, "correct horse battery staple") {
		t.Error("stored hash does not verify the password")
	}
	for _, tc := range []struct {
		name, email, stdin string
		usage              bool
	}{
		{"short password", "b@example.com", "short\n", true},
		{"bad email", "not-an-email", "correct horse battery staple\n", true},
		{"duplicate", "OPS@example.com", "correct horse battery staple\n", false},
	} {
		err := create(tc.email, tc.stdin)
		var ue usageError
		if err == nil || errors.As(err, &ue) != tc.usage {
			t.Errorf("%s: err %v, want a usage error: %v", tc.name, err, tc.usage)
		}
	}
	// Without --password-stdin and without a terminal, the command says how.
	err = runAdminCreate(ctx, []string{"--email", "c@example.com"}, st, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "--password-stdin") {
		t.Errorf("no terminal: err %v, want a hint at --password-stdin", err)
	}

	out.Reset()
	if err := runAdminPassword(ctx, []string{"--email", "ops@example.com", "--password-stdin"}, st,
		strings.NewReader("a brand new password\n"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	a, _ = st.AdminByEmail(ctx, "ops@example.com")
	if !dashboard.VerifyPassword(a.PasswordHash, "a brand new password") {
		t.Error("password did not change")
	}
	if err := runAdmin(ctx, []string{"disable", "--email", "ops@example.com"}, st, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.AdminByEmail(ctx, "ops@example.com"); a.Active() {
		t.Error("operator still active after disable")
	}
	out.Reset()
	if err := runAdmin(ctx, []string{"list"}, st, &out, &errOut); err != nil || !strings.Contains(out.String(), "disabled") {
		t.Errorf("list after disable printed %q (%v)", out.String(), err)
	}
	if err := runAdmin(ctx, []string{"enable", "--email", "ops@example.com"}, st, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := runAdmin(ctx, []string{"list"}, st, &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "ops@example.com") || !strings.Contains(out.String(), "active") {
		t.Errorf("list printed %q", out.String())
	}
	var ue usageError
	if err := runAdmin(ctx, []string{"frobnicate"}, st, &out, &errOut); !errors.As(err, &ue) {
		t.Errorf("unknown subcommand: err %v, want a usage error", err)
	}
	var _ idgate.AdminStore = st
}
