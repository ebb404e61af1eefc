package laboremus

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/idnumber"
	"github.com/idgate/idgate/internal/jobs"
)

// NIRA-style values idgate reports in resultJson (see README.md).
const (
	niraStatusOK    = "Ok"
	niraStatusError = "Error"
	codeNotFound    = "NIN_NOT_FOUND"
)

// timeLayout is the page's date-time form: UTC, whole seconds.
const timeLayout = "2006-01-02T15:04:05Z"

// Encode renders a verification as the page's request object. It is also
// the data of the webhook events of Laboremus requests.
func Encode(v *idgate.Verification) Request {
	var ex extra
	if len(v.Request.Extra) > 0 {
		// Written by toCore; an undecodable one shows as no card.
		_ = json.Unmarshal(v.Request.Extra, &ex)
	}
	sub := v.Request.Subject
	out := Request{
		ID:               v.ID,
		ParticipantID:    v.TenantID,
		ReceivedAt:       timeOf(&v.CreatedAt),
		SubmittedAt:      timeOf(v.SubmittedAt),
		ReceivedFromNira: timeOf(v.ReceivedAt),
		RequestStatus:    statusOf(v.Status),
		Surname:          str(sub.LastName),
		GivenNames:       str(sub.FirstNames),
		OtherNames:       str(sub.MiddleName),
		NIN:              str(v.Request.Number),
		MaskedNIN:        str(idnumber.MaskUgandaNIN(v.Request.Number)),
		DateOfBirth:      sub.BirthDate,
	}
	if ex.CardNumber != "" {
		out.CardNumber = str(ex.CardNumber)
		out.MaskedCardNumber = str(idnumber.MaskCardNumber(ex.CardNumber))
	}
	if ex.Initiator != nil {
		out.Initiator, out.InitiatorID, out.InitiatorEmail = str(ex.Initiator.Name), str(ex.Initiator.ID), str(ex.Initiator.Email)
	}
	if v.GroupID != "" {
		out.MultipleReferenceID = str(v.GroupID)
	}
	if v.Status != idgate.StatusPending && v.Result != nil {
		out.ResultJSON = result(v)
	}
	return out
}

func statusOf(s idgate.Status) string {
	switch s {
	case idgate.StatusCompleted:
		return StatusCompleted
	case idgate.StatusFailed:
		return StatusFailed
	default:
		return StatusPending
	}
}

// result renders NIRA's answer: a record judged against the card details,
// an unknown NIN, or NIRA's error.
func result(v *idgate.Verification) *ResultJSON {
	res := v.Result
	switch res.Outcome {
	case idgate.OutcomeFound, idgate.OutcomeExpired:
		c := jobs.CheckCard(v)
		return &ResultJSON{MatchingStatus: c.Matching, CardStatus: str(c.CardStatus), Status: str(niraStatusOK), NINStatus: str(c.NINStatus)}
	case idgate.OutcomeNotFound:
		msg := res.ErrorMessage
		if msg == "" {
			msg = "Person Not Found"
		}
		return &ResultJSON{Status: str(niraStatusError), IsError: true, Error: &ResultError{Code: str(codeNotFound), Message: str(msg)}}
	default:
		return &ResultJSON{Status: str(niraStatusError), IsError: true, Error: &ResultError{Code: str(res.ErrorCode), Message: str(res.ErrorMessage)}}
	}
}

// str returns a pointer to s, or nil for "" (the page's "or null").
func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timeOf(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	s := t.UTC().Format(timeLayout)
	return &s
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal %T: %v", v, err)) // plain structs, cannot fail
	}
	return b
}

func jsonEncoder(w io.Writer) *json.Encoder {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc
}
