package securecitizen

import (
	"encoding/base64"
	"net/http"
	"time"

	"github.com/idgate/idgate"
)

func (h *Handler) refugee(w http.ResponseWriter, r *http.Request) error {
	var in RefugeeRequest
	return h.verify(w, r, &in, func(v *idgate.Verification) any { return h.refugeeResponse(v) })
}

func (in *RefugeeRequest) native() (idgate.VerificationRequest, error) {
	req := idgate.VerificationRequest{
		Dialect: idgate.DialectSecureCitizen,
		Country: idgate.SouthAfrica, IDType: idgate.RefugeeFile, Number: in.FileNumber,
		Consent: in.ConsentReceived, Reason: in.RequestReason,
		Subject: idgate.Subject{FirstNames: in.FirstNames, LastName: in.LastName, Mobile: in.MobileNumber},
		Checks: idgate.Checks{
			Names:    in.FirstNames != "" || in.LastName != "",
			Liveness: in.LivenessRequired,
			Photo:    in.NIISImageRequired,
		},
		// The refugee page has no cache switches but reports CachedResult:
		// a NIIS outage is answered from the identity cache when it can be.
		Cache:      idgate.CachePolicy{Allow: true},
		ClientRef:  in.CRef,
		Subsidiary: in.Subsidiary,
	}
	return req, attachSelfie(&req, in.FaceString)
}

func (h *Handler) refugeeResponse(v *idgate.Verification) *RefugeeResponse {
	res := v.Result
	out := &RefugeeResponse{
		TrackingNumber: v.ID,
		NIISFileNumber: v.Request.Number,
		CRef:           optional(v.Request.ClientRef),
		Status:         "Success",
		Message:        MsgSuccess,
	}
	setCache(&out.CachedResult, &out.CacheDate, res)
	rec := res.Record
	if res.Outcome == idgate.OutcomeNotFound || rec == nil {
		out.Status, out.Message = "Failure", MsgNIISNotFound
		return out
	}
	out.FirstNameResult, out.LastNameResult = nameResults(res.Names)
	out.FirstName, out.LastName = optional(rec.FirstNames), optional(rec.LastName)
	out.Gender, out.BirthDate = optional(rec.Gender), optional(rec.BirthDate)
	if b, err := time.Parse("2006-01-02", rec.BirthDate); err == nil {
		a := age(b, h.now())
		out.Age = &a
	}
	if f := rec.Refugee; f != nil {
		out.Country, out.Nationality = optional(f.CountryOfOrigin), optional(f.Nationality)
		out.AlternativeFileNumber = optional(f.AlternativeFileNumber)
		out.OfficeOfApplication, out.FileStatus = optional(f.OfficeOfApplication), optional(f.FileStatus)
		out.PermitNumber, out.RefugeeIDNumber = optional(f.PermitNumber), optional(f.RefugeeIDNumber)
		out.ExpiryDate = optional(expiryDate(f.PermitExpiry))
	}
	if v.Request.Checks.Photo && len(rec.Photo) > 0 {
		out.FacialImage = optional(base64.StdEncoding.EncodeToString(rec.Photo))
	}
	out.FaceResult = faceResult(res.Face)
	if l := res.Liveness; l != nil {
		out.LivenessResult = &RefugeeLivenessResult{LivenessPassResult: l.Pass, LivenessMessage: l.Message}
	}
	return out
}

// expiryDate renders a permit expiry the way the refugee page shows it:
// "Monday, 12/02/2026; 24:00" — the weekday, DD/MM/YYYY, valid to the end
// of the day.
func expiryDate(isoDate string) string {
	t, err := time.Parse("2006-01-02", isoDate)
	if err != nil {
		return ""
	}
	return t.Format("Monday, 02/01/2006") + "; 24:00"
}
