package sandbox

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/idnumber"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sqlstore/sqlstoretest"
)

// TestYouverifyIdentities seeds the Nigerian and Kenyan identities into a
// real store and checks that the local registry plays each case.
func TestYouverifyIdentities(t *testing.T) {
	ids := append(nigeria(now), kenya(now)...)
	st := sqlstoretest.Open(t, sqlstoretest.SQLiteURL(t))
	ctx := context.Background()
	for _, id := range ids {
		if res := idnumber.Validate(string(id.Country), string(id.IDType), id.Number, now); !res.Valid {
			t.Errorf("%s %q (%s): %s", id.Country, id.Number, id.Case, res.Reason)
		}
		if id.Record != nil {
			if _, err := st.PutRecords(ctx, []*idgate.Record{id.Record}); err != nil {
				t.Fatal(err)
			}
		}
		if id.Fault != nil {
			if err := st.PutFaults(ctx, []idgate.Fault{*id.Fault}); err != nil {
				t.Fatal(err)
			}
		}
		if len(id.VNINAliases) > 0 {
			if err := st.PutVNINAliases(ctx, id.VNINAliases); err != nil {
				t.Fatal(err)
			}
		}
	}
	reg := registry.NewLocal(st, func() time.Time { return now })
	for _, id := range ids {
		t.Run(string(id.Country)+"/"+id.Case, func(t *testing.T) {
			rec, err := reg.Lookup(ctx, idgate.Query{Country: id.Country, IDType: id.IDType, Number: id.Number, Photo: true})
			code := idgate.ErrorCode(err)
			switch {
			case strings.Contains(id.Case, "down"):
				if code != idgate.EUNAVAILABLE {
					t.Errorf("lookup: %v, want unavailable", err)
				}
			case strings.Contains(id.Case, "expired"):
				if code != idgate.ENOTFOUND || !strings.Contains(idgate.ErrorMessage(err), "expired") {
					t.Errorf("lookup: %v, want not found because expired", err)
				}
			case strings.Contains(id.Case, "not found"):
				if code != idgate.ENOTFOUND || idgate.ErrorMessage(err) != "Person Not Found" {
					t.Errorf("lookup: %v, want Person Not Found", err)
				}
			default:
				if err != nil {
					t.Fatalf("lookup: %v", err)
				}
				got := rec.FirstNames + " " + rec.LastName
				if rec.KE != nil {
					got = rec.KE.FullName
				}
				if got != id.Names {
					t.Errorf("found %s, want %s", got, id.Names)
				}
				if id.Country == idgate.Nigeria && (strings.Contains(id.Case, "no photo") || strings.Contains(id.Case, "without photo")) != (len(rec.Photo) == 0) {
					t.Errorf("photo of %d bytes for case %q", len(rec.Photo), id.Case)
				}
			}
		})
	}
}
