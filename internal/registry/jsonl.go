package registry

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registry photos are JPEG or PNG
	_ "image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/idnumber"
)

// Import limits: one line holds one record with at most one photo.
const (
	MaxLineBytes  = 8 << 20
	MaxPhotoBytes = 5 << 20
)

// ImportLine is one line of a registry import file (JSONL): a record in
// idgate.Record's JSON shape, with the photo either inline as base64
// ("photo") or as a file path relative to the import file ("photoPath");
// or a Nigerian vNIN alias ({"vninAlias": {"vnin", "nin", "expiresAt"}}).
// docs/REGISTRY.md documents the format with examples.
type ImportLine struct {
	idgate.Record
	PhotoPath string            `json:"photoPath,omitempty"`
	VNINAlias *idgate.VNINAlias `json:"vninAlias,omitempty"`
}

// LineError is a problem with one line of an import file.
type LineError struct {
	Line int
	Err  error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Batch is what an import file holds.
type Batch struct {
	Records []*idgate.Record
	Aliases []idgate.VNINAlias
}

// ReadJSONL reads and validates a whole import file. It returns every
// line's problem (up to maxErrors) so an operator can fix them in one go;
// with any problem the batch must not be imported. baseDir resolves
// photoPath.
func ReadJSONL(r io.Reader, baseDir string, now time.Time, maxErrors int) (*Batch, []error) {
	var b Batch
	var errs []error
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		if err := b.add(text, baseDir, now); err != nil {
			errs = append(errs, &LineError{Line: line, Err: err})
			if len(errs) >= maxErrors {
				return nil, errs
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			err = fmt.Errorf("line is longer than %d bytes", MaxLineBytes)
		}
		errs = append(errs, &LineError{Line: line + 1, Err: err})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return &b, nil
}

func (b *Batch) add(text []byte, baseDir string, now time.Time) error {
	var in ImportLine
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return fmt.Errorf("not a valid record: %w", err)
	}
	if in.VNINAlias != nil {
		a, err := validAlias(*in.VNINAlias)
		if err != nil {
			return err
		}
		b.Aliases = append(b.Aliases, a)
		return nil
	}
	rec := in.Record
	if in.PhotoPath != "" {
		if len(rec.Photo) > 0 {
			return errors.New("give photo or photoPath, not both")
		}
		p, err := readPhoto(baseDir, in.PhotoPath)
		if err != nil {
			return err
		}
		rec.Photo = p
	}
	if err := validRecord(&rec, now); err != nil {
		return err
	}
	rec.UpdatedAt = now
	b.Records = append(b.Records, &rec)
	return nil
}

func validRecord(r *idgate.Record, now time.Time) error {
	res := idnumber.Validate(string(r.Country), string(r.IDType), r.Number, now)
	if !res.Valid {
		return fmt.Errorf("number: %s", res.Reason)
	}
	r.Country, r.IDType, r.Number = idgate.Country(res.Country), idgate.IDType(res.Type), res.Number
	if strings.TrimSpace(r.FirstNames) == "" && strings.TrimSpace(r.LastName) == "" {
		return errors.New("firstNames or lastName is required")
	}
	if r.BirthDate != "" {
		if _, err := time.Parse("2006-01-02", r.BirthDate); err != nil {
			return fmt.Errorf("birthDate %q is not a YYYY-MM-DD date", r.BirthDate)
		}
	}
	if r.Gender != "" && r.Gender != "M" && r.Gender != "F" {
		return fmt.Errorf("gender must be M or F")
	}
	if len(r.Photo) > 0 {
		if len(r.Photo) > MaxPhotoBytes {
			return fmt.Errorf("photo is larger than %d bytes", MaxPhotoBytes)
		}
		if _, _, err := image.DecodeConfig(bytes.NewReader(r.Photo)); err != nil {
			return fmt.Errorf("photo is not a JPEG or PNG image: %w", err)
		}
	}
	return nil
}

func validAlias(a idgate.VNINAlias) (idgate.VNINAlias, error) {
	vnin, err := idnumber.ParseVNIN(a.VNIN)
	if err != nil {
		return a, fmt.Errorf("vninAlias.vnin: %w", err)
	}
	nin, err := idnumber.ParseNigeriaNIN(a.NIN)
	if err != nil {
		return a, fmt.Errorf("vninAlias.nin: %w", err)
	}
	if a.ExpiresAt.IsZero() {
		return a, errors.New("vninAlias.expiresAt is required")
	}
	return idgate.VNINAlias{VNIN: vnin, NIN: nin, ExpiresAt: a.ExpiresAt}, nil
}

func readPhoto(baseDir, path string) ([]byte, error) {
	if !filepath.IsAbs(path) {
		path = filepath.Join(baseDir, path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("photoPath: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
	if err != nil {
		return nil, fmt.Errorf("photoPath: %w", err)
	}
	return b, nil
}
