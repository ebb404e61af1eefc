package dashboard

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/audit"
	"github.com/idgate/idgate/internal/sqlstore"
)

type fraudRow struct {
	L      idgate.FraudListing
	Tenant string
}

type fraudView struct{ Rows []fraudRow }

// maxFraudPerTenant bounds how many listings per tenant the page shows.
const maxFraudPerTenant = 100

// fraud lists every tenant's filings, newest first. Names and numbers stay
// masked: operators investigate a listing through the verification that
// hit it, whose reveal is audited.
func (s *Server) fraud(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	tenants, err := s.store.Tenants(r.Context())
	if err != nil {
		return err
	}
	var v fraudView
	for _, t := range tenants {
		ls, err := s.store.FraudListings(r.Context(), t.ID, maxFraudPerTenant)
		if err != nil {
			return err
		}
		for _, l := range ls {
			v.Rows = append(v.Rows, fraudRow{L: l, Tenant: t.Name})
		}
	}
	sort.SliceStable(v.Rows, func(i, j int) bool { return v.Rows[i].L.CreatedAt.After(v.Rows[j].L.CreatedAt) })
	return s.render(w, http.StatusOK, "fraud", pageFor(c, "fraud", "Fraud listings", v))
}

type webhookGroup struct {
	Tenant     *idgate.Tenant
	Webhooks   []*sqlstore.Webhook
	Deliveries []*sqlstore.WebhookDelivery
}

type webhooksView struct {
	Supported bool // the store keeps webhooks
	CanReplay bool // a job runner is wired
	Groups    []webhookGroup
	Replayed  bool
}

// maxDeliveriesPerTenant bounds the delivery log shown per tenant.
const maxDeliveriesPerTenant = 50

func (s *Server) webhooks(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	v := webhooksView{CanReplay: s.cfg.Replay != nil, Replayed: r.URL.Query().Get("replayed") == "1"}
	ws, ok := s.store.(WebhookStore)
	if ok {
		v.Supported = true
		tenants, err := s.store.Tenants(r.Context())
		if err != nil {
			return err
		}
		for _, t := range tenants {
			hooks, err := ws.Webhooks(r.Context(), t.ID)
			if err != nil {
				return err
			}
			if len(hooks) == 0 {
				continue
			}
			ds, err := ws.WebhookDeliveries(r.Context(), sqlstore.WebhookDeliveryFilter{TenantID: t.ID, Limit: maxDeliveriesPerTenant})
			if err != nil {
				return err
			}
			v.Groups = append(v.Groups, webhookGroup{Tenant: t, Webhooks: hooks, Deliveries: ds})
		}
	}
	return s.render(w, http.StatusOK, "webhooks", pageFor(c, "webhooks", "Webhooks", v))
}

// replayWebhook enqueues a logged delivery's event again.
func (s *Server) replayWebhook(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	ws, ok := s.store.(WebhookStore)
	if !ok || s.cfg.Replay == nil {
		return idgate.Errorf(idgate.ENOTIMPLEMENTED, "webhook replay needs the job runner")
	}
	tenantID, id := r.PostForm.Get("tenant"), r.PathValue("id")
	ds, err := ws.WebhookDeliveries(r.Context(), sqlstore.WebhookDeliveryFilter{TenantID: tenantID, Limit: 500})
	if err != nil {
		return err
	}
	var d *sqlstore.WebhookDelivery
	for _, x := range ds {
		if x.ID == id {
			d = x
		}
	}
	if d == nil {
		return idgate.Errorf(idgate.ENOTFOUND, "delivery not found")
	}
	if err := s.cfg.Replay(r.Context(), d); err != nil {
		return fmt.Errorf("replay webhook: %w", err)
	}
	if err := s.store.AppendAudit(r.Context(), &idgate.AuditEntry{Time: s.now(), TenantID: d.TenantID, Actor: c.actor(),
		Action: ActionWebhookReplay, Subject: d.EventID}); err != nil {
		return fmt.Errorf("audit replay: %w", err)
	}
	http.Redirect(w, r, Prefix+"/webhooks?replayed=1", http.StatusSeeOther)
	return nil
}

type auditView struct {
	Checked     int64
	FirstBroken int64
	Entries     []*idgate.AuditEntry
	Tenants     map[string]string
	Action      string
	Subject     string
	NextBefore  int64
}

// auditPageSize is how many entries one page of the log shows.
const auditPageSize = 100

// audit shows the chain status (the whole chain is walked on every view:
// it is the check operators come here for) and the newest entries.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, c *pageCtx) error {
	ctx := r.Context()
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	v := auditView{Action: limitText(q.Get("action"), 100), Subject: limitText(q.Get("subject"), 100)}
	var err error
	if v.Checked, v.FirstBroken, err = audit.VerifyChain(ctx, s.store); err != nil {
		return err
	}
	if v.Entries, err = s.store.AuditEntriesNewest(ctx, sqlstore.AuditFilter{Before: before, Action: v.Action,
		Subject: v.Subject, Limit: auditPageSize}); err != nil {
		return err
	}
	if len(v.Entries) == auditPageSize {
		v.NextBefore = v.Entries[len(v.Entries)-1].Seq
	}
	if _, v.Tenants, err = s.tenantIndex(ctx); err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "audit", pageFor(c, "audit", "Audit log", v))
}
