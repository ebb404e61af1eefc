package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/idgate/idgate"
)

func (e *keysEnv) wallet(t *testing.T, args ...string) (stdout string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = runWallet(context.Background(), args, e.st, &out, &errOut)
	return out.String(), err
}

func TestWalletTopUpAndBalance(t *testing.T) {
	e := newKeysEnv(t)
	out, err := e.wallet(t, "balance", "--tenant", e.tenant)
	if err != nil || out != "tenant "+e.tenant+": balance 0 (minor units)\n" {
		t.Fatalf("balance = %q, %v", out, err)
	}
	out, err = e.wallet(t, "topup", "--tenant", e.tenant, "--reason", "invoice 41", "250_000")
	if err != nil || out != "tenant "+e.tenant+": topped up 250000; balance 250000 (minor units)\n" {
		t.Fatalf("topup = %q, %v", out, err)
	}
	out, err = e.wallet(t, "balance", "--tenant", e.tenant, "--json")
	var w idgate.Wallet
	if err == nil {
		err = json.Unmarshal([]byte(out), &w)
	}
	if err != nil || w.Balance != 250000 || w.TenantID != e.tenant {
		t.Errorf("wallet = %+v", w)
	}
	entries, err := e.st.AuditEntries(context.Background(), 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	last := entries[len(entries)-1]
	if last.Action != "wallet.topup" || last.Amount != 250000 || last.Actor != "cli" || last.Reason != "invoice 41" {
		t.Errorf("audit = %+v", last)
	}
}

func TestWalletUsageErrors(t *testing.T) {
	e := newKeysEnv(t)
	for _, args := range [][]string{
		{},
		{"spend"},
		{"balance"},
		{"topup", "--tenant", e.tenant},
		{"topup", "--tenant", e.tenant, "0"},
		{"topup", "--tenant", e.tenant, "-5"},
		{"topup", "--tenant", e.tenant, "12.50"},
		{"topup", "--tenant", e.tenant, "1", "2"},
	} {
		_, err := e.wallet(t, args...)
		var ue usageError
		if !errors.As(err, &ue) {
			t.Errorf("wallet %v: err = %v, want a usage error", args, err)
		}
	}
	_, err := e.wallet(t, "topup", "--tenant", "no-such-tenant", "100")
	if err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown tenant: err = %v", err)
	}
}
