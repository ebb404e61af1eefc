package dashboard

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
	"github.com/idgate/idgate/internal/sqlstore"
)

// Audit actions the dashboard records besides those of the packages it
// calls (auth's key.create and key.revoke).
const (
	ActionTenantCreate  = "tenant.create"
	ActionWalletTopUp   = "wallet.topup"
	ActionWebhookReplay = "webhook.replay"
)

type tenantRow struct {
	T       *idgate.Tenant
	Parent  string
	Balance int64
	Shared  bool // the balance is the parent's wallet
	Keys    int
}

type tenantsView struct {
	Rows    []tenantRow
	Tenants []*idgate.Tenant
}

func (s *Server) tenants(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	v, err := s.tenantsData(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "tenants", pageFor(c, "tenants", "Tenants", v))
}

func (s *Server) tenantsData(ctx context.Context) (tenantsView, error) {
	tenants, names, err := s.tenantIndex(ctx)
	if err != nil {
		return tenantsView{}, err
	}
	v := tenantsView{Tenants: tenants}
	for _, t := range tenants {
		row := tenantRow{T: t, Parent: names[t.ParentID]}
		wal, err := s.store.Wallet(ctx, t.ID)
		if err != nil {
			return tenantsView{}, err
		}
		row.Balance, row.Shared = wal.Balance, wal.TenantID != "" && wal.TenantID != t.ID
		creds, err := s.store.Credentials(ctx, t.ID)
		if err != nil {
			return tenantsView{}, err
		}
		for _, cr := range creds {
			if cr.Active() {
				row.Keys++
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// maxTenantName bounds a tenant's display name.
const maxTenantName = 100

func (s *Server) createTenant(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" || utf8.RuneCountInString(name) > maxTenantName || strings.ContainsFunc(name, unicode.IsControl) {
		return idgate.FieldError("name", "a tenant needs a name of 1 to %d characters", maxTenantName)
	}
	t := &idgate.Tenant{ID: idgate.NewID(), ParentID: r.PostForm.Get("parent"), Name: name,
		Sandbox: r.PostForm.Get("sandbox") == "on", CreatedAt: s.now()}
	if t.ParentID != "" {
		parent, err := s.store.Tenant(r.Context(), t.ParentID)
		if err != nil {
			return fmt.Errorf("parent tenant: %w", err)
		}
		t.Sandbox = parent.Sandbox // a subsidiary is billed like its parent
	}
	audit := &idgate.AuditEntry{Time: t.CreatedAt, TenantID: t.ID, Actor: c.actor(), Action: ActionTenantCreate, Subject: t.ID}
	if err := s.store.CreateTenant(r.Context(), t, audit); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix+"/tenants/"+t.ID, http.StatusSeeOther)
	return nil
}

type tenantView struct {
	T            *idgate.Tenant
	Parent       *idgate.Tenant
	Subsidiaries []*idgate.Tenant
	Credentials  []*idgate.Credential
	Wallet       *idgate.Wallet
	TopUps       []*idgate.AuditEntry
	Kinds        []idgate.CredentialKind
	NewSecret    *newSecret // set right after a credential was created
}

// newSecret is a credential's secret, shown once.
type newSecret struct {
	Cred   *idgate.Credential
	Secret string
	Hint   string
}

func (s *Server) tenant(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	return s.showTenant(w, r, c, r.PathValue("id"), nil)
}

func (s *Server) showTenant(w http.ResponseWriter, r *http.Request, c *pageCtx, id string, secret *newSecret) error {
	ctx := r.Context()
	t, err := s.store.Tenant(ctx, id)
	if err != nil {
		return err
	}
	v := tenantView{T: t, NewSecret: secret, Kinds: []idgate.CredentialKind{idgate.APIKey, idgate.OAuthClient, idgate.SubscriptionKey}}
	tenants, err := s.store.Tenants(ctx)
	if err != nil {
		return err
	}
	for _, o := range tenants {
		if o.ParentID == t.ID {
			v.Subsidiaries = append(v.Subsidiaries, o)
		}
		if o.ID == t.ParentID {
			v.Parent = o
		}
	}
	if v.Credentials, err = s.store.Credentials(ctx, t.ID); err != nil {
		return err
	}
	if v.Wallet, err = s.store.Wallet(ctx, t.ID); err != nil {
		return err
	}
	if v.TopUps, err = s.store.AuditEntriesNewest(ctx, sqlstore.AuditFilter{Action: ActionWalletTopUp, TenantID: t.ID, Limit: 20}); err != nil {
		return err
	}
	status := http.StatusOK
	if secret != nil {
		status = http.StatusCreated
	}
	return s.render(w, status, "tenant", pageFor(c, "tenants", t.Name, v))
}

type keyRow struct {
	C      *idgate.Credential
	Tenant string
}

type keysView struct {
	Rows    []keyRow
	Tenants []*idgate.Tenant
	Kinds   []idgate.CredentialKind
}

// keys lists every tenant's credentials, newest first per tenant.
func (s *Server) keys(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	tenants, err := s.store.Tenants(r.Context())
	if err != nil {
		return err
	}
	v := keysView{Tenants: tenants, Kinds: []idgate.CredentialKind{idgate.APIKey, idgate.OAuthClient, idgate.SubscriptionKey}}
	for _, t := range tenants {
		creds, err := s.store.Credentials(r.Context(), t.ID)
		if err != nil {
			return err
		}
		for _, cr := range creds {
			v.Rows = append(v.Rows, keyRow{C: cr, Tenant: t.Name})
		}
	}
	return s.render(w, http.StatusOK, "keys", pageFor(c, "keys", "API keys and OAuth clients", v))
}

// createKey creates a credential and answers with the tenant's page
// showing the secret, once; idgate keeps only its hash.
func (s *Server) createKey(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	tenantID := r.PostForm.Get("tenant")
	kind := idgate.CredentialKind(r.PostForm.Get("kind"))
	switch kind {
	case idgate.APIKey, idgate.OAuthClient, idgate.SubscriptionKey:
	default:
		return idgate.FieldError("kind", "choose an API key, an OAuth client or a subscription key")
	}
	user := idgate.User{ID: idgate.NewID(), FirstName: "API", LastName: "User"}
	cred, secret, err := auth.CreateCredential(r.Context(), s.store, tenantID, kind, strings.TrimSpace(r.PostForm.Get("name")), user, c.actor())
	if err != nil {
		return err
	}
	return s.showTenant(w, r, c, tenantID, &newSecret{Cred: cred, Secret: secret, Hint: usageHint(cred)})
}

// usageHint tells the operator where a new credential goes.
func usageHint(c *idgate.Credential) string {
	switch c.Kind {
	case idgate.OAuthClient:
		return "POST /oauth/token with grant_type=client_credentials, client_id " + c.ID + " and this secret (HTTP Basic or form fields)."
	case idgate.SubscriptionKey:
		return "Send it as the Ocp-Apim-Subscription-Key header (or ?subscription-key=)."
	}
	return "Send it as Authorization: Bearer <key> (or Youverify's token header)."
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	tenantID := r.PostForm.Get("tenant")
	if err := auth.RevokeCredential(r.Context(), s.store, tenantID, r.PathValue("id"), c.actor()); err != nil {
		return err
	}
	http.Redirect(w, r, safeNext(r.PostForm.Get("back")), http.StatusSeeOther)
	return nil
}

type walletRow struct {
	T      *idgate.Tenant
	Wallet *idgate.Wallet
	Shared bool // the balance is the parent's wallet
}

type walletsView struct {
	Rows    []walletRow
	Tenants []*idgate.Tenant
	TopUps  []topUpRow
	Done    bool
}

type topUpRow struct {
	E      *idgate.AuditEntry
	Tenant string
}

func (s *Server) wallets(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	ctx := r.Context()
	tenants, names, err := s.tenantIndex(ctx)
	if err != nil {
		return err
	}
	v := walletsView{Tenants: tenants, Done: r.URL.Query().Get("done") == "1"}
	for _, t := range tenants {
		wal, err := s.store.Wallet(ctx, t.ID)
		if err != nil {
			return err
		}
		v.Rows = append(v.Rows, walletRow{T: t, Wallet: wal, Shared: wal.TenantID != "" && wal.TenantID != t.ID})
	}
	entries, err := s.store.AuditEntriesNewest(ctx, sqlstore.AuditFilter{Action: ActionWalletTopUp, Limit: 50})
	if err != nil {
		return err
	}
	for _, e := range entries {
		v.TopUps = append(v.TopUps, topUpRow{E: e, Tenant: names[e.TenantID]})
	}
	return s.render(w, http.StatusOK, "wallets", pageFor(c, "wallets", "Wallets and top-ups", v))
}

// maxTopUp bounds one top-up (minor units), against typos with extra
// zeros.
const maxTopUp = 100_000_000_00

func (s *Server) topUp(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	tenantID := r.PostForm.Get("tenant")
	amount, err := parseAmount(r.PostForm.Get("amount"))
	if err != nil {
		return idgate.FieldError("amount", "%v", err)
	}
	audit := &idgate.AuditEntry{Time: s.now(), TenantID: tenantID, Actor: c.actor(), Action: ActionWalletTopUp,
		Subject: tenantID, Reason: limitText(strings.TrimSpace(r.PostForm.Get("reason")), 200)}
	if _, err := s.store.TopUp(r.Context(), tenantID, amount, audit); err != nil {
		return err
	}
	back := r.PostForm.Get("back")
	if back == "" {
		back = Prefix + "/wallets?done=1"
	}
	http.Redirect(w, r, safeNext(back), http.StatusSeeOther)
	return nil
}

// parseAmount reads a positive amount in major units with at most two
// decimals ("250", "99.95") and returns minor units.
func parseAmount(s string) (int64, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, hasFrac := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || (hasFrac && (len(frac) == 0 || len(frac) > 2)) {
		return 0, errors.New("enter an amount like 250 or 99.95")
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, errors.New("enter an amount like 250 or 99.95")
	}
	var f int64
	if hasFrac {
		if len(frac) == 1 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil || f < 0 {
			return 0, errors.New("enter an amount like 250 or 99.95")
		}
	}
	minor := w*100 + f
	if minor <= 0 || minor > maxTopUp || w > math.MaxInt64/100 {
		return 0, fmt.Errorf("the amount must be between 0.01 and %s", money(maxTopUp))
	}
	return minor, nil
}
