package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "verify [flags] NUMBER", `  idgate verify --consent --reason onboarding --first-names "Thabo Johannes" --last-name Mokoena 8507145123085
  idgate verify --country NG --type vnin --consent --reason kyc --selfie me.jpg AB123456789012CD
  IDGATE_URL=https://idgate.example.com IDGATE_KEY=idg_live_… idgate verify --json --consent --reason r 8001014800080
Sends POST /v1/verifications to a running server and prints a summary (or the JSON with --json).
Exit code 0 when the registry found the person, 1 otherwise.
`, stderr)
	url := fs.String("url", env("IDGATE_URL", "http://127.0.0.1:8080"), "server base URL (IDGATE_URL)")
	key := fs.String("key", env("IDGATE_KEY", ""), "API key (IDGATE_KEY)")
	country := fs.String("country", "ZA", "ISO country code")
	idType := fs.String("type", "", "ID type (default: the country's national ID)")
	consent := fs.Bool("consent", false, "the subject consented (required)")
	reason := fs.String("reason", "", "reason for the lookup (audited)")
	first := fs.String("first-names", "", "subject's first names")
	last := fs.String("last-name", "", "subject's last name")
	birth := fs.String("birth-date", "", "subject's birth date, YYYY-MM-DD")
	selfie := fs.String("selfie", "", "selfie image file for face match and liveness")
	fraud := fs.Bool("fraud", false, "screen fraud listings")
	asJSON := fs.Bool("json", false, "print the server's JSON answer")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("give exactly one ID NUMBER")}
	}
	if *key == "" {
		return usageError{fmt.Errorf("an API key is required: --key or IDGATE_KEY")}
	}
	req := map[string]any{
		"country": *country, "idType": *idType, "number": fs.Arg(0), "consent": *consent, "reason": *reason,
		"subject": map[string]string{"firstNames": *first, "lastName": *last, "birthDate": *birth},
		"checks":  map[string]bool{"names": *first != "" || *last != "" || *birth != "", "fraud": *fraud},
	}
	if *selfie != "" {
		img, err := os.ReadFile(*selfie)
		if err != nil {
			return err
		}
		req["selfie"] = base64.StdEncoding.EncodeToString(img)
		req["checks"].(map[string]bool)["face"] = true
		req["checks"].(map[string]bool)["liveness"] = true
	}
	body, status, err := postJSON(ctx, strings.TrimRight(*url, "/")+"/v1/verifications", *key, req)
	if err != nil {
		return err
	}
	if *asJSON {
		stdout.Write(body)
		fmt.Fprintln(stdout)
	}
	if status >= 300 {
		var p struct {
			Detail string
			Errors []struct{ Field, Message string }
		}
		if err := json.Unmarshal(body, &p); err != nil {
			return fmt.Errorf("server answered %d with non-JSON", status)
		}
		if !*asJSON {
			fmt.Fprintf(stdout, "refused (%d): %s\n", status, p.Detail)
			for _, e := range p.Errors {
				fmt.Fprintf(stdout, "  %s: %s\n", e.Field, e.Message)
			}
		}
		return errNo
	}
	var v verificationSummary
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("server answered %d with unexpected JSON: %w", status, err)
	}
	if !*asJSON {
		v.print(stdout)
	}
	if v.Outcome != "found" {
		return errNo
	}
	return nil
}

func postJSON(ctx context.Context, url, key string, v any) ([]byte, int, error) {
	payload, err := json.Marshal(v)
	if err != nil {
		return nil, 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, fmt.Errorf("send verification: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	return body, resp.StatusCode, err
}

// verificationSummary is the part of the native answer the summary shows.
type verificationSummary struct {
	ID, Status, Country, IDType, Number, Outcome string
	Cached                                       bool
	Names                                        *struct {
		FirstNames, LastName, Threshold int
		BirthDateMatch                  *bool
	}
	Face *struct {
		Confidence float64
		Match      bool
	}
	Liveness *struct {
		Pass    bool
		Message string
	}
	Fraud *struct {
		Listings    []struct{ ReferenceNo, Category string }
		Unavailable bool
	}
	Error *struct{ Code, Message string }
}

func (v *verificationSummary) print(w io.Writer) {
	fmt.Fprintf(w, "verification %s  %s  %s %s %s\n", v.ID, v.Status, v.Country, v.IDType, v.Number)
	source := "live"
	if v.Cached {
		source = "identity cache"
	}
	fmt.Fprintf(w, "  registry:  %s (%s)\n", v.Outcome, source)
	if n := v.Names; n != nil {
		line := fmt.Sprintf("first names %d, last name %d (match at %d)", n.FirstNames, n.LastName, n.Threshold)
		if n.BirthDateMatch != nil {
			line += fmt.Sprintf(", birth date %s", yesNo(*n.BirthDateMatch, "matches", "differs"))
		}
		fmt.Fprintf(w, "  names:     %s\n", line)
	}
	if f := v.Face; f != nil {
		fmt.Fprintf(w, "  face:      %s, confidence %.2f\n", yesNo(f.Match, "match", "no match"), f.Confidence)
	}
	if l := v.Liveness; l != nil {
		fmt.Fprintf(w, "  liveness:  %s — %s\n", yesNo(l.Pass, "pass", "fail"), l.Message)
	}
	if f := v.Fraud; f != nil {
		switch {
		case f.Unavailable:
			fmt.Fprintln(w, "  fraud:     screening timed out")
		case len(f.Listings) == 0:
			fmt.Fprintln(w, "  fraud:     no listings")
		default:
			for _, l := range f.Listings {
				fmt.Fprintf(w, "  fraud:     %s %s\n", l.ReferenceNo, l.Category)
			}
		}
	}
	if e := v.Error; e != nil {
		fmt.Fprintf(w, "  error:     %s %s\n", e.Code, e.Message)
	}
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}
