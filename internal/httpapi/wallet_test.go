package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/idgate/idgate/internal/app"
	"github.com/idgate/idgate/internal/httpapi"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// walletServer serves the native API with the wallet routes mounted.
func walletServer(t *testing.T, st *sqlstore.Store, cfg httpapi.WalletConfig) (http.Handler, *app.App) {
	t.Helper()
	a := newApp(t, st, app.Config{})
	srv := &httpapi.Server{Verify: a.Verify, Auth: a.Auth, Store: st}
	srv.Mounts = append(srv.Mounts, srv.WalletRoutes(cfg))
	return srv.Handler(), a
}

func TestWalletBalanceAndSelfTopUp(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		h, a := walletServer(t, st, httpapi.WalletConfig{AllowSelfTopUp: true})
		c := client{t, h, a.SandboxKey}

		code, w := c.do("GET", "/v1/wallet", "")
		if code != http.StatusOK || w["balance"] != float64(0) || w["tenantId"] != a.Sandbox.ID {
			t.Fatalf("balance: %d %v", code, w)
		}
		code, w = c.do("POST", "/v1/wallet/top-ups", `{"amount": 5000, "reason": "rehearse billing"}`)
		if code != http.StatusCreated || w["balance"] != float64(5000) {
			t.Fatalf("top-up: %d %v", code, w)
		}
		if code, w = c.do("GET", "/v1/wallet", ""); w["balance"] != float64(5000) {
			t.Fatalf("balance after top-up: %d %v", code, w)
		}
		entries, err := st.AuditEntries(context.Background(), 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		last := entries[len(entries)-1]
		if last.Action != "wallet.topup" || last.Amount != 5000 || last.TenantID != a.Sandbox.ID || last.Reason != "rehearse billing" {
			t.Errorf("last audit entry = %+v, want the top-up", last)
		}
	})
}

func TestWalletTopUpRefusals(t *testing.T) {
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	h, a := walletServer(t, st, httpapi.WalletConfig{AllowSelfTopUp: true, MaxTopUp: 1000})
	hClosed, aClosed := walletServer(t, sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t)), httpapi.WalletConfig{})
	tests := []struct {
		name      string
		c         client
		body      string
		status    int
		wantField string
	}{
		{"not allowed", client{t, hClosed, aClosed.SandboxKey}, `{"amount": 100}`, http.StatusForbidden, ""},
		{"live tenant", client{t, h, otherTenant(t, st)}, `{"amount": 100}`, http.StatusForbidden, ""},
		{"no credentials", client{t, h, ""}, `{"amount": 100}`, http.StatusUnauthorized, ""},
		{"zero", client{t, h, a.SandboxKey}, `{"amount": 0}`, http.StatusBadRequest, "amount"},
		{"negative", client{t, h, a.SandboxKey}, `{"amount": -5}`, http.StatusBadRequest, "amount"},
		{"over the cap", client{t, h, a.SandboxKey}, `{"amount": 1001}`, http.StatusBadRequest, "amount"},
		{"fraction", client{t, h, a.SandboxKey}, `{"amount": 10.5}`, http.StatusBadRequest, "amount"},
		{"unknown field", client{t, h, a.SandboxKey}, `{"amount": 10, "tenantId": "someone-else"}`, http.StatusBadRequest, "tenantId"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, p := tt.c.do("POST", "/v1/wallet/top-ups", tt.body)
			if code != tt.status {
				t.Fatalf("status = %d (%v), want %d", code, p, tt.status)
			}
			if tt.wantField != "" {
				errs, _ := p["errors"].([]any)
				if len(errs) != 1 || errs[0].(map[string]any)["field"] != tt.wantField {
					t.Errorf("errors = %v, want one on %q", p["errors"], tt.wantField)
				}
			}
		})
	}
	if _, w := (client{t, h, a.SandboxKey}).do("GET", "/v1/wallet", ""); w["balance"] != float64(0) {
		t.Errorf("balance after refused top-ups = %v, want 0", w["balance"])
	}
}
