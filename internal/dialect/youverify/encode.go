package youverify

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/face/imagedecode"
)

// timeFormat is the pages' millisecond UTC timestamp, "2023-06-20T18:20:11.552Z".
const timeFormat = "2006-01-02T15:04:05.000Z"

// Status values.
const (
	statusFound    = "found"
	statusNotFound = "not_found"
	// statusFailed is not on the pages: the registry answered with an error
	// of its own. The verification is stored (and charged) like any other.
	statusFailed = "failed"
)

// keNotFoundType is the "type" of page 004's not_found sample, copied as
// printed (the found sample says "keCreditInfo").
const keNotFoundType = "keCreditInfoPhone"

// defaultKEType is the found sample's "type", used when a record has none.
const defaultKEType = "keCreditInfo"

// eat is East Africa Time. Kenyan birth dates are midnight in Nairobi
// printed in UTC, as the sample's "1999-12-31T21:00:00Z" shows.
var eat = time.FixedZone("EAT", 3*60*60)

// extra is what the dialect keeps in VerificationRequest.Extra.
type extra struct {
	Metadata    json.RawMessage `json:"metadata"`
	RequestedAt time.Time       `json:"requestedAt"`
}

// answer builds the "data" of a response from a stored verification.
type answer struct {
	v *idgate.Verification
	p *idgate.Principal
	// selfie is the image as the client sent it; selfieVerification echoes
	// it (selfies are never stored, so only the live answer has it).
	selfie          string
	selfieThreshold int
	extra           extra
}

func newAnswer(v *idgate.Verification, p *idgate.Principal, selfie string, selfieThreshold int) (*answer, error) {
	a := &answer{v: v, p: p, selfie: selfie, selfieThreshold: selfieThreshold}
	if len(v.Request.Extra) > 0 {
		if err := json.Unmarshal(v.Request.Extra, &a.extra); err != nil {
			return nil, fmt.Errorf("youverify: read stored extra of %s: %w", v.ID, err)
		}
	}
	if len(a.extra.Metadata) == 0 {
		a.extra.Metadata = json.RawMessage("{}")
	}
	if a.extra.RequestedAt.IsZero() {
		a.extra.RequestedAt = v.CreatedAt
	}
	return a, nil
}

func (a *answer) record() *idgate.Record {
	if a.v.Result == nil {
		return nil
	}
	return a.v.Result.Record
}

func (a *answer) found() bool {
	return a.v.Result != nil && a.v.Result.Outcome == idgate.OutcomeFound && a.record() != nil
}

func (a *answer) status() (string, *string) {
	res := a.v.Result
	switch {
	case a.found():
		return statusFound, nil
	case res != nil && res.Outcome == idgate.OutcomeRegistryError:
		return statusFailed, nullable(res.ErrorMessage)
	default:
		reason := "Person Not Found"
		if res != nil && res.ErrorMessage != "" {
			reason = res.ErrorMessage
		}
		return statusNotFound, &reason
	}
}

// vnin is the data of a vNIN answer.
func (a *answer) vnin() any {
	status, reason := a.status()
	vals, passed := a.validations()
	v := a.v
	if !a.found() {
		return &ngNotFound{
			ID: a.id(), Validations: vals, Status: status, Reason: reason,
			DataValidation: v.Request.Checks.Names, SelfieValidation: v.Request.Checks.Face,
			IsConsent: v.Request.Consent, IDNumber: v.Request.Number, BusinessID: a.businessID(),
			AllValidationPassed: passed, RequestedAt: format(a.extra.RequestedAt),
			RequestedByID: a.requester().ID, Country: string(idgate.Nigeria),
			CreatedAt: format(v.CreatedAt), UpdatedAt: format(v.UpdatedAt), LastModifiedAt: format(v.UpdatedAt),
			Metadata: a.extra.Metadata, RequestedBy: a.requester(),
		}
	}
	r := a.record()
	ng := r.NG
	if ng == nil {
		ng = &idgate.NGPerson{}
	}
	return &ngFound{
		ID: a.id(), Validations: vals, Status: status, Reason: reason,
		DataValidation: v.Request.Checks.Names, SelfieValidation: v.Request.Checks.Face,
		FirstName: r.FirstNames, MiddleName: r.MiddleNames, LastName: r.LastName,
		Image: photoURI(r.Photo), Mobile: nullable(ng.Mobile), Email: nullable(ng.Email),
		BirthState: nullable(ng.BirthState), BirthLGA: nullable(ng.BirthLGA), BirthCountry: nullable(ng.BirthCountry),
		DateOfBirth: nullable(r.BirthDate), IsConsent: v.Request.Consent, IDNumber: v.Request.Number,
		BusinessID: a.businessID(), AllValidationPassed: passed, Gender: nullable(strings.ToLower(r.Gender)),
		RequestedAt: format(a.extra.RequestedAt), RequestedByID: a.requester().ID, Country: string(idgate.Nigeria),
		CreatedAt: format(v.CreatedAt), UpdatedAt: format(v.UpdatedAt), LastModifiedAt: format(v.UpdatedAt),
		Metadata: a.extra.Metadata, RequestedBy: a.requester(),
	}
}

// idScrub is the data of a Kenya ID scrub answer.
func (a *answer) idScrub() any {
	status, reason := a.status()
	v := a.v
	if !a.found() {
		return &keNotFound{
			ID: a.id(), Status: status, Reason: reason,
			IdentityType: string(v.Request.IDType), IsConsent: v.Request.Consent, IDNumber: v.Request.Number,
			BusinessID: a.businessID(), Type: keNotFoundType, AllValidationPassed: true,
			RequestedAt: format(a.extra.RequestedAt), RequestedByID: a.requester().ID, Country: string(idgate.Kenya),
			CreatedAt: format(v.CreatedAt), LastModifiedAt: format(v.UpdatedAt),
			Metadata: a.extra.Metadata, RequestedBy: a.requester(),
		}
	}
	r := a.record()
	ke := r.KE
	if ke == nil {
		ke = &idgate.KEPerson{}
	}
	fullName := ke.FullName
	if fullName == "" {
		fullName = strings.Join(nonEmpty(r.FirstNames, r.MiddleNames, r.LastName), " ")
	}
	typ := ke.Type
	if typ == "" {
		typ = defaultKEType
	}
	return &keFound{
		ID: a.id(), Status: status, Reason: reason,
		DateOfBirth: kenyaBirthDate(r.BirthDate), IdentityType: string(v.Request.IDType),
		IsConsent: v.Request.Consent, IDNumber: v.Request.Number, BusinessID: a.businessID(),
		FirstName: r.FirstNames, MiddleName: r.MiddleNames, LastName: r.LastName, FullName: fullName,
		Gender: nullable(kenyaGender(r.Gender)), MaritalStatus: nullable(ke.MaritalStatus), Email: nullable(ke.Email),
		HomeTelephoneNumber: nullable(ke.HomeTelephoneNumber), MobileTelephoneNumber: nullable(ke.MobileTelephoneNumber),
		WorkTelephoneNumber: nullable(ke.WorkTelephoneNumber), EmploymentName: nullable(ke.EmploymentName),
		LastEmployment: nullable(ke.LastEmployment), MainAddress: kenyaAddress(ke.MainAddress),
		SecondaryAddress: kenyaAddress(ke.SecondaryAddress), ContractSummary: ke.ContractSummary,
		Inquiries: ke.Inquiries, Type: typ, AllValidationPassed: true,
		RequestedAt: format(a.extra.RequestedAt), RequestedByID: a.requester().ID, Country: string(idgate.Kenya),
		CreatedAt: format(v.CreatedAt), LastModifiedAt: format(v.UpdatedAt),
		Metadata: a.extra.Metadata, RequestedBy: a.requester(),
	}
}

// validations reports the data and selfie validations the client asked
// for, and whether all of them passed (true when none was asked, as the
// plain sample shows).
func (a *answer) validations() (*validationsOut, bool) {
	req := &a.v.Request
	if !req.Checks.Names && !req.Checks.Face {
		return nil, true
	}
	out := &validationsOut{}
	var failed []string
	if !a.found() {
		_, reason := a.status()
		failed = append(failed, *reason)
	}
	if req.Checks.Names {
		out.Data, failed = a.dataResults(failed)
	}
	if req.Checks.Face {
		out.Selfie, failed = a.selfieResult(failed)
	}
	out.ValidationMessages = strings.Join(failed, "; ")
	return out, len(failed) == 0
}

func (a *answer) dataResults(failed []string) (*dataOut, []string) {
	sub := a.v.Request.Subject
	var scores *idgate.NameScores
	if a.found() {
		scores = a.v.Result.Names
	}
	out := &dataOut{}
	check := func(name, value string, ok func(*idgate.NameScores) bool) *fieldResult {
		if value == "" {
			return nil
		}
		r := &fieldResult{Value: value, Validated: scores != nil && ok(scores)}
		if !r.Validated && a.found() {
			failed = append(failed, name+" does not match the ID record")
		}
		return r
	}
	out.FirstName = check("firstName", sub.FirstNames, func(s *idgate.NameScores) bool { return s.FirstNames >= s.Threshold })
	out.LastName = check("lastName", sub.LastName, func(s *idgate.NameScores) bool { return s.LastName >= s.Threshold })
	out.DateOfBirth = check("dateOfBirth", sub.BirthDate, func(s *idgate.NameScores) bool {
		return s.BirthDateMatch != nil && *s.BirthDateMatch
	})
	return out, failed
}

func (a *answer) selfieResult(failed []string) (*selfieOut, []string) {
	sv := selfieVerification{Threshold: a.selfieThreshold, Image: a.selfie}
	var m *idgate.FaceMatch
	if a.found() {
		m = a.v.Result.Face
	}
	switch {
	case m != nil:
		sv.ConfidenceLevel = percent(m.Confidence)
		sv.Match = m.Match
		if !m.Match {
			failed = append(failed, "selfie does not match the ID photo")
		}
	case a.found():
		failed = append(failed, "the ID record has no photo to compare the selfie with")
	}
	return &selfieOut{SelfieVerification: sv}, failed
}

// Identifiers. Youverify's ids are 24 hex digits (MongoDB ObjectIds: a
// 4-byte Unix time and 8 more bytes). idgate's are UUIDs; the dialect
// derives a stable ObjectId-shaped id from each: the entity's creation time
// and the first 8 bytes of SHA-256 over a kind prefix and the UUID. The same
// verification, tenant or user always gets the same id.
func objectID(created time.Time, kind, id string) string {
	sum := sha256.Sum256([]byte(kind + ":" + id))
	var b [12]byte
	binary.BigEndian.PutUint32(b[:4], uint32(created.Unix()))
	copy(b[4:], sum[:8])
	return hex.EncodeToString(b[:])
}

func (a *answer) id() string { return objectID(a.v.CreatedAt, "verification", a.v.ID) }

func (a *answer) businessID() string {
	return objectID(a.p.Tenant.CreatedAt, "tenant", a.p.Tenant.ID)
}

// requester is the credential's user. A user id that already is 24 hex
// digits is kept; others are derived like every other id. A credential
// without a named user reports "API User", as the found sample does.
func (a *answer) requester() requester {
	c := a.p.Credential
	u := c.User
	r := requester{FirstName: u.FirstName, LastName: u.LastName}
	if r.FirstName == "" && r.LastName == "" {
		r.FirstName, r.LastName = "API", "User"
	}
	switch {
	case isObjectID(u.ID):
		r.ID = strings.ToLower(u.ID)
	case u.ID != "":
		r.ID = objectID(c.CreatedAt, "user", c.TenantID+"/"+u.ID)
	default:
		r.ID = objectID(c.CreatedAt, "credential", c.ID)
	}
	return r
}

func isObjectID(s string) bool {
	if len(s) != 24 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// percent renders a 0..1 value as the pages' 0..100 integer.
func percent(v float64) int {
	return int(math.Round(100 * math.Min(1, math.Max(0, v))))
}

func format(t time.Time) string { return t.UTC().Format(timeFormat) }

// nullable is nil for "", so empty fields print as null like the pages'.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonEmpty(parts ...string) []string {
	out := parts[:0:0]
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// photoURI is the registry photo as a data URI; JPEG is labelled
// image/jpg, as the page prints it.
func photoURI(photo []byte) *string {
	if len(photo) == 0 {
		return nil
	}
	mime := "image/jpg"
	switch imagedecode.Sniff(photo) {
	case imagedecode.PNG:
		mime = "image/png"
	case imagedecode.WebP:
		mime = "image/webp"
	}
	s := "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(photo)
	return &s
}

func kenyaBirthDate(d string) *string {
	t, err := time.ParseInLocation(time.DateOnly, d, eat)
	if err != nil {
		return nullable(d)
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}

func kenyaGender(g string) string {
	switch strings.ToUpper(g) {
	case "M":
		return "Male"
	case "F":
		return "Female"
	}
	return g
}

func kenyaAddress(a *idgate.Address) *keAddress {
	if a == nil {
		return nil
	}
	return &keAddress{Address: a.Address, Country: a.Country, Town: a.Town, PostalCode: a.PostalCode}
}
