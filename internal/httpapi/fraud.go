package httpapi

import (
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/idnumber"
)

// SAFPS reference numbers: protective registration, victim, hit.
var referenceNo = regexp.MustCompile(`^(PR|VICTIM|SH)[0-9]{8}$`)

type fraudListingRequest struct {
	Country     string `json:"country"`
	IDNumber    string `json:"idNumber"`
	FirstName   string `json:"firstName"`
	Surname     string `json:"surname"`
	BirthDate   string `json:"birthDate"`
	ReferenceNo string `json:"referenceNo"`
	Category    string `json:"category"`
	Reason      string `json:"reason"`
}

func (s *Server) createFraudListing(w http.ResponseWriter, r *http.Request) error {
	var in fraudListingRequest
	if err := httpx.DecodeJSON(w, r, s.MaxBody, true, &in); err != nil {
		return err
	}
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	l, err := in.listing(now)
	if err != nil {
		return err
	}
	l.TenantID = p.Tenant.ID
	audit := &idgate.AuditEntry{
		Time: now, TenantID: p.Tenant.ID, CredentialID: p.Credential.ID, Actor: "api",
		Action: "fraud_listing.create", Subject: l.ID, Reason: in.Reason, Outcome: l.ReferenceNo[:2],
	}
	if err := s.Store.CreateFraudListing(r.Context(), l, audit); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, l)
	return nil
}

func (in *fraudListingRequest) listing(now time.Time) (*idgate.FraudListing, error) {
	country := idgate.Country(strings.ToUpper(strings.TrimSpace(in.Country)))
	if country == "" {
		country = idgate.SouthAfrica
	}
	id := idnumber.Validate(string(country), "", in.IDNumber, now)
	if !id.Valid {
		return nil, idgate.FieldError("idNumber", "invalid ID number: %s", id.Reason)
	}
	ref := strings.ToUpper(strings.TrimSpace(in.ReferenceNo))
	if !referenceNo.MatchString(ref) {
		return nil, idgate.FieldError("referenceNo", "referenceNo must be PR, VICTIM or SH followed by 8 digits")
	}
	for field, v := range map[string]string{"firstName": in.FirstName, "surname": in.Surname, "category": in.Category} {
		if strings.TrimSpace(v) == "" || len(v) > 256 {
			return nil, idgate.FieldError(field, "%s is required (at most 256 bytes)", field)
		}
	}
	if strings.TrimSpace(in.Reason) == "" {
		return nil, idgate.FieldError("reason", "a reason for filing is required (it is audited)")
	}
	if in.BirthDate != "" {
		if _, err := time.Parse("2006-01-02", in.BirthDate); err != nil {
			return nil, idgate.FieldError("birthDate", "birthDate must be a real date in the form YYYY-MM-DD")
		}
	}
	return &idgate.FraudListing{
		ID: idgate.NewID(), Country: country, IDNumber: id.Number,
		FirstName: strings.TrimSpace(in.FirstName), Surname: strings.TrimSpace(in.Surname),
		BirthDate: in.BirthDate, ReferenceNo: ref, Category: strings.TrimSpace(in.Category), CreatedAt: now,
	}, nil
}

func (s *Server) listFraudListings(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Principal(r)
	if err != nil {
		return err
	}
	list, err := s.Store.FraudListings(r.Context(), p.Tenant.ID, 100)
	if err != nil {
		return err
	}
	if list == nil {
		list = []idgate.FraudListing{}
	}
	httpx.WriteJSON(w, http.StatusOK, map[string]any{"data": list})
	return nil
}
