package securecitizen

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/httpx"
	"github.com/idgate/idgate/internal/idnumber"
)

func (h *Handler) rsaID(w http.ResponseWriter, r *http.Request) error {
	var in RSAIDRequest
	return h.verify(w, r, &in, func(v *idgate.Verification) any { return h.rsaIDResponse(v) })
}

// native translates the request into the core's shape.
func (in *RSAIDRequest) native() (idgate.VerificationRequest, error) {
	req := idgate.VerificationRequest{
		Dialect: idgate.DialectSecureCitizen,
		Country: idgate.SouthAfrica, IDType: idgate.NationalID, Number: in.IdNumber,
		Consent: in.ConsentReceived, Reason: in.RequestReason,
		Subject: idgate.Subject{FirstNames: in.FirstNames, LastName: in.LastName, Mobile: in.MobileNumber},
		Checks: idgate.Checks{
			Names:    in.FirstNames != "" || in.LastName != "",
			Liveness: in.LivenessRequired,
			Fraud:    in.SAFPSRequired,
			Photo:    in.HANISImageRequired,
		},
		Cache:      idgate.CachePolicy{Allow: in.IdentityCache, Preferred: in.CachePreferred, Only: in.CacheOnly},
		ClientRef:  in.CRef,
		Subsidiary: in.Subsidiary,
	}
	return req, attachSelfie(&req, in.FaceString)
}

// attachSelfie decodes FaceString; a selfie is always matched against the
// registry photo, as the pages describe.
func attachSelfie(req *idgate.VerificationRequest, faceString string) error {
	if faceString == "" {
		if req.Checks.Liveness {
			return idgate.FieldError("selfie", "LivenessRequired needs a face image in FaceString")
		}
		return nil
	}
	img, err := httpx.DecodeImage("FaceString", faceString)
	if err != nil {
		return err
	}
	req.Selfie = img
	req.Checks.Face = true
	return nil
}

func (h *Handler) rsaIDResponse(v *idgate.Verification) *RSAIDResponse {
	res := v.Result
	out := &RSAIDResponse{
		TrackingNumber: v.ID,
		IdNumber:       v.Request.Number,
		CRef:           optional(v.Request.ClientRef),
		Status:         "Success",
		Message:        MsgSuccess,
	}
	setCache(&out.CachedResult, &out.CacheDate, res)
	switch res.Outcome {
	case idgate.OutcomeNotFound:
		out.Status, out.Message = "Failure", MsgNotFound
		return out
	case idgate.OutcomeMarkedForDeletion:
		out.Status, out.Message = "Failure", MsgDeletion
	case idgate.OutcomePhotoOnly:
		out.Message = MsgPhotoOnly
	}
	rec := res.Record
	if rec == nil {
		return out
	}
	out.FirstNameResult, out.LastNameResult = nameResults(res.Names)
	if !rec.PhotoOnly {
		out.FirstName, out.LastName = optional(rec.FirstNames), optional(rec.LastName)
		out.SCDerivedValues = derived(rec.Number, h.now())
	}
	if za := rec.ZA; za != nil {
		out.SmartCardIssued = za.SmartCardIssued
		out.IDIssueDate, out.IDSequenceNumber = optional(za.IDIssueDate), optional(za.IDSequenceNumber)
		out.DeadIndicator, out.DateOfDeath = za.Dead, optional(za.DateOfDeath)
		out.IDBlocked = za.Blocked
		out.MaritalStatus, out.DateOfMarriage = optional(za.MaritalStatus), optional(za.DateOfMarriage)
		out.OnHanis, out.OnNPR = za.OnHANIS, za.OnNPR
		out.BirthPlaceCountryCode, out.BirthPlaceCountry = optional(za.BirthPlaceCountryCode), optional(za.BirthPlaceCountry)
	}
	out.FacialImageAvailable = rec.HasPhoto()
	if v.Request.Checks.Photo && len(rec.Photo) > 0 {
		out.FacialImage = optional(base64.StdEncoding.EncodeToString(rec.Photo))
	}
	out.FaceResult = faceResult(res.Face)
	if l := res.Liveness; l != nil {
		out.LivenessResult = &LivenessResult{
			LivenessResultScore: l.Score, LivenessResultProbability: l.Probability,
			LivenessResultQuality: l.Quality, LivenessResultClass: l.Spoof,
			LivenessPassResult: l.Pass, LivenessMessage: l.Message,
		}
	}
	if f := res.Fraud; f != nil {
		if f.Unavailable {
			out.Message = MsgSAFPSTimeout
		} else {
			out.SAFPSResults = safpsResults(f.Listings)
		}
	}
	return out
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func setCache(cached *bool, date **string, res *idgate.Result) {
	*cached = res.Cached
	if res.CacheDate != nil {
		s := res.CacheDate.UTC().Format(time.RFC3339)
		*date = &s
	}
}

func nameResults(n *idgate.NameScores) (first, last *string) {
	if n == nil {
		return nil, nil
	}
	return optional(strconv.Itoa(n.FirstNames)), optional(strconv.Itoa(n.LastName))
}

func faceResult(m *idgate.FaceMatch) *FaceResult {
	if m == nil {
		return nil
	}
	return &FaceResult{IsIdentical: m.Match, Confidence: round2(m.Confidence)}
}

func round2(f float64) float64 {
	return float64(int64(f*100+0.5)) / 100
}

// safpsResults groups listings by subject, as the page's array shows them.
func safpsResults(listings []idgate.FraudListing) []SAFPSResult {
	out := []SAFPSResult{}
	index := map[string]int{}
	for _, l := range listings {
		key := l.FirstName + "\x00" + l.Surname + "\x00" + l.BirthDate
		i, ok := index[key]
		if !ok {
			birth := ""
			if t, err := time.Parse("2006-01-02", l.BirthDate); err == nil {
				birth = t.Format(time.RFC3339)
			}
			out = append(out, SAFPSResult{FirstName: l.FirstName, Surname: l.Surname, BirthDate: birth, Filings: []Filing{}})
			i = len(out) - 1
			index[key] = i
		}
		out[i].Filings = append(out[i].Filings, Filing{ReferenceNo: l.ReferenceNo, Category: l.Category})
	}
	return out
}

func derived(number string, now time.Time) *DerivedValues {
	id, err := idnumber.ParseSAID(number, now)
	if err != nil {
		return nil
	}
	return &DerivedValues{
		BirthDate:   id.BirthDate.Format("2006-01-02"),
		Gender:      id.Gender,
		Citizenship: id.Citizenship,
		Age:         age(id.BirthDate, now),
	}
}

func age(birth, now time.Time) int {
	years := now.Year() - birth.Year()
	if now.YearDay() < birth.YearDay() {
		years--
	}
	return years
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
