package sqlstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/audit"
	"github.com/idgate/idgate/internal/sqlstore"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

func TestAdminAccountsAndSessions(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		a := &idgate.Admin{ID: idgate.NewID(), Email: " Ops@Example.com ", PasswordHash: "$argon2id$x", CreatedAt: time.Now()}
		if err := st.CreateAdmin(ctx, a, &idgate.AuditEntry{Actor: "cli", Action: "admin.create", Subject: a.ID}); err != nil {
			t.Fatal(err)
		}
		dup := &idgate.Admin{ID: idgate.NewID(), Email: "OPS@example.com", PasswordHash: "h"}
		if err := st.CreateAdmin(ctx, dup, nil); idgate.ErrorCode(err) != idgate.ECONFLICT {
			t.Errorf("duplicate email: err %v, want ECONFLICT", err)
		}
		got, err := st.AdminByEmail(ctx, "ops@EXAMPLE.com")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != a.ID || got.Email != "ops@example.com" || got.PasswordHash != "$argon2id$x" || !got.Active() {
			t.Errorf("AdminByEmail = %+v", got)
		}
		if _, err := st.AdminByEmail(ctx, "nobody@example.com"); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("unknown email: err %v, want ENOTFOUND", err)
		}
		if list, err := st.Admins(ctx); err != nil || len(list) != 1 {
			t.Errorf("Admins = %d, %v; want 1", len(list), err)
		}

		now := time.Now().UTC()
		live := &idgate.AdminSession{TokenHash: []byte("live-hash"), AdminID: a.ID, CSRFToken: "c1", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		old := &idgate.AdminSession{TokenHash: []byte("old-hash"), AdminID: a.ID, CSRFToken: "c2", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: now.Add(-time.Hour)}
		for _, s := range []*idgate.AdminSession{live, old} {
			if err := st.CreateAdminSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if s, err := st.AdminSession(ctx, []byte("live-hash"), now); err != nil || s.CSRFToken != "c1" || s.AdminID != a.ID {
			t.Errorf("live session = %+v, %v", s, err)
		}
		if _, err := st.AdminSession(ctx, []byte("old-hash"), now); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("expired session: err %v, want ENOTFOUND", err)
		}
		if n, err := st.DeleteExpiredAdminSessions(ctx, now); err != nil || n != 1 {
			t.Errorf("DeleteExpiredAdminSessions = %d, %v; want 1", n, err)
		}
		if err := st.SetAdminPassword(ctx, a.ID, "$argon2id$y", &idgate.AuditEntry{Actor: "cli", Action: "admin.password", Subject: a.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := st.AdminSession(ctx, []byte("live-hash"), now); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("session after a password change: err %v, want ENOTFOUND", err)
		}
		if err := st.SetAdminPassword(ctx, "no-such-admin", "h", nil); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("unknown admin: err %v, want ENOTFOUND", err)
		}
		again := &idgate.AdminSession{TokenHash: []byte("again-hash"), AdminID: a.ID, CSRFToken: "c3", CreatedAt: now, ExpiresAt: now.Add(time.Hour)}
		if err := st.CreateAdminSession(ctx, again); err != nil {
			t.Fatal(err)
		}
		if err := st.SetAdminDisabled(ctx, a.ID, &now, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Admin(ctx, a.ID); got.Active() {
			t.Error("admin still active after SetAdminDisabled")
		}
		if _, err := st.AdminSession(ctx, []byte("again-hash"), now); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("session of a disabled admin: err %v, want ENOTFOUND", err)
		}
		if err := st.SetAdminDisabled(ctx, a.ID, nil, nil); err != nil {
			t.Fatal(err)
		}
		if got, _ := st.Admin(ctx, a.ID); !got.Active() {
			t.Error("admin not active after enabling")
		}
		if err := st.SetAdminDisabled(ctx, "nope", &now, nil); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("disable unknown admin: err %v, want ENOTFOUND", err)
		}
		if err := st.DeleteAdminSession(ctx, []byte("never-existed")); err != nil {
			t.Errorf("deleting a missing session: %v", err)
		}
		if _, broken, err := audit.VerifyChain(ctx, st); err != nil || broken != 0 {
			t.Errorf("audit chain broken at %d (%v)", broken, err)
		}
	})
}

func TestOperatorQueries(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, st *sqlstore.Store) {
		ctx := context.Background()
		day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		for _, id := range []string{"t-a", "t-b"} {
			if err := st.CreateTenant(ctx, &idgate.Tenant{ID: id, Name: id, Sandbox: true, CreatedAt: day}, nil); err != nil {
				t.Fatal(err)
			}
		}
		mk := func(id, tenant string, at time.Time, outcome idgate.Outcome, country idgate.Country) {
			v := &idgate.Verification{
				ID: id, TenantID: tenant, Status: idgate.StatusCompleted, CreatedAt: at,
				Request: idgate.VerificationRequest{Country: country, IDType: idgate.NationalID, Number: "123"},
				Result:  &idgate.Result{Outcome: outcome},
			}
			if outcome == "" {
				v.Status, v.Result = idgate.StatusPending, nil
			}
			if err := st.CreateVerification(ctx, v, &idgate.AuditEntry{TenantID: tenant, Actor: "api", Action: "verification.create", Subject: id}); err != nil {
				t.Fatal(err)
			}
		}
		mk("v1", "t-a", day.Add(1*time.Hour), idgate.OutcomeFound, idgate.SouthAfrica)
		mk("v2", "t-b", day.Add(2*time.Hour), idgate.OutcomeNotFound, idgate.Kenya)
		mk("v3", "t-a", day.Add(26*time.Hour), idgate.OutcomeFound, idgate.SouthAfrica)
		mk("v4", "t-b", day.Add(50*time.Hour), "", idgate.Uganda)

		ids := func(f idgate.VerificationFilter) []string {
			t.Helper()
			var out []string
			for {
				page, next, err := st.OperatorVerifications(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range page {
					out = append(out, v.ID)
				}
				if next == "" {
					return out
				}
				f.Cursor = next
			}
		}
		for _, tc := range []struct {
			name string
			f    idgate.VerificationFilter
			want string
		}{
			{"all tenants, paged", idgate.VerificationFilter{Limit: 1}, "v4 v3 v2 v1"},
			{"one tenant", idgate.VerificationFilter{TenantID: "t-a"}, "v3 v1"},
			{"country", idgate.VerificationFilter{Country: idgate.Kenya}, "v2"},
			{"outcome", idgate.VerificationFilter{Outcome: idgate.OutcomeFound}, "v3 v1"},
			{"status", idgate.VerificationFilter{Status: idgate.StatusPending}, "v4"},
			{"dates", idgate.VerificationFilter{From: day.Add(2 * time.Hour), To: day.Add(48 * time.Hour)}, "v3 v2"},
		} {
			if got := join(ids(tc.f)); got != tc.want {
				t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
			}
		}
		if v, err := st.OperatorVerification(ctx, "v2"); err != nil || v.TenantID != "t-b" {
			t.Errorf("OperatorVerification(v2) = %v, %v", v, err)
		}
		if _, err := st.OperatorVerification(ctx, "nope"); idgate.ErrorCode(err) != idgate.ENOTFOUND {
			t.Errorf("unknown verification: err %v, want ENOTFOUND", err)
		}

		points, err := st.VerificationVolume(ctx, "", day, day.Add(72*time.Hour), 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if len(points) != 3 {
			t.Fatalf("%d points, want 3", len(points))
		}
		for i, want := range []map[idgate.Outcome]int64{
			{idgate.OutcomeFound: 1, idgate.OutcomeNotFound: 1},
			{idgate.OutcomeFound: 1},
			{"": 1},
		} {
			p := points[i]
			var total int64
			for _, n := range want {
				total += n
			}
			if !p.Start.Equal(day.Add(time.Duration(i)*24*time.Hour)) || p.Total() != total {
				t.Errorf("point %d = %+v, want start %v and %d in total", i, p, day.Add(time.Duration(i)*24*time.Hour), total)
			}
			for o, n := range want {
				if p.ByOutcome[o] != n {
					t.Errorf("point %d outcome %q = %d, want %d", i, o, p.ByOutcome[o], n)
				}
			}
		}
		if only, err := st.VerificationVolume(ctx, "t-b", day, day.Add(72*time.Hour), 24*time.Hour); err != nil || only[0].Total() != 1 {
			t.Errorf("volume of t-b on day 1 = %v, %v; want 1", only, err)
		}
		if _, err := st.VerificationVolume(ctx, "", day, day, time.Hour); idgate.ErrorCode(err) != idgate.EINVALID {
			t.Errorf("empty range: err %v, want EINVALID", err)
		}

		entries, err := st.AuditEntriesNewest(ctx, sqlstore.AuditFilter{Action: "verification.create", TenantID: "t-a"})
		if err != nil {
			t.Fatal(err)
		}
		var subjects []string
		for _, e := range entries {
			subjects = append(subjects, e.Subject)
		}
		if got := join(subjects); got != "v3 v1" {
			t.Errorf("audit newest for t-a = %q, want \"v3 v1\"", got)
		}
		if page, _ := st.AuditEntriesNewest(ctx, sqlstore.AuditFilter{Before: entries[0].Seq, Limit: 1}); len(page) != 1 || page[0].Seq != entries[0].Seq-1 {
			t.Errorf("page before %d = %+v", entries[0].Seq, page)
		}

		if _, _, ok, err := st.QueueDepth(ctx); err != nil || ok {
			t.Errorf("QueueDepth without River tables = ok %v, err %v; want not ok", ok, err)
		}
	})
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}
