package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/idgate/idgate/internal/audit"
	"github.com/idgate/idgate/internal/idnumber"
	"github.com/idgate/idgate/internal/namematch"
	"github.com/idgate/idgate/internal/progress"
	"github.com/idgate/idgate/internal/registry"
	"github.com/idgate/idgate/internal/sandbox"
)

func runMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c storeConfig
	fs := newFlagSet("migrate", "migrate [flags]", "  idgate migrate\n  idgate migrate --database-url postgres://idgate@db/idgate\n", stderr)
	c.bind(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// Opening the store applies pending migrations; Migrate then reports
	// that nothing is left, which is the check operators want.
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.store.Close()
	applied, err := a.store.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "database (%s) is at the latest migration; %d applied now\n", a.store.Engine(), len(applied))
	return nil
}

func runRegistry(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError{fmt.Errorf("usage: idgate registry import [flags] FILE.jsonl")}
	}
	var c storeConfig
	fs := newFlagSet("registry import", "registry import [flags] FILE.jsonl", `  idgate registry import people.jsonl
  idgate registry import --database-url postgres://idgate@db/idgate nira-export.jsonl

Each line is one record (see docs/REGISTRY.md): a JSON object with country, idType, number,
firstNames, lastName, birthDate, gender, the country's own fields, and the photo as base64
("photo") or a path relative to the file ("photoPath"). Re-importing a file is safe: records
are replaced by (country, idType, number). Nothing is imported if any line is invalid.
`, stderr)
	c.bind(fs)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("give exactly one FILE.jsonl")}
	}
	path := fs.Arg(0)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	batch, errs := registry.ReadJSONL(f, filepath.Dir(path), time.Now().UTC(), 50)
	if len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintf(stderr, "%s: %v\n", path, e)
		}
		return fmt.Errorf("%d invalid line(s); nothing imported", len(errs))
	}
	a, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer a.store.Close()
	bar := progress.New(stderr, "importing", len(batch.Records))
	inserted := 0
	const chunk = 500
	for i := 0; i < len(batch.Records); i += chunk {
		end := min(i+chunk, len(batch.Records))
		n, err := a.store.PutRecords(ctx, batch.Records[i:end])
		if err != nil {
			return fmt.Errorf("import records %d–%d: %w", i+1, end, err)
		}
		inserted += n
		bar.Set(end)
	}
	bar.Done()
	if len(batch.Aliases) > 0 {
		if err := a.store.PutVNINAliases(ctx, batch.Aliases); err != nil {
			return fmt.Errorf("import vNIN aliases: %w", err)
		}
	}
	fmt.Fprintf(stdout, "imported %d records (%d new, %d replaced) and %d vNIN aliases\n",
		len(batch.Records), inserted, len(batch.Records)-inserted, len(batch.Aliases))
	return nil
}

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return usageError{fmt.Errorf("usage: idgate sandbox list")}
	}
	fs := newFlagSet("sandbox list", "sandbox list", "  idgate sandbox list | jq '.[] | select(.country==\"ZA\")'\n", stderr)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	return writeJSON(stdout, sandbox.Identities(time.Now().UTC()))
}

func runIDNumber(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "validate" {
		return usageError{fmt.Errorf("usage: idgate idnumber validate --country ZA [--type national-id] NUMBER")}
	}
	fs := newFlagSet("idnumber validate", "idnumber validate --country CC [--type TYPE] NUMBER", `  idgate idnumber validate --country ZA 8001014800080
  idgate idnumber validate --country NG --type vnin AB123456789012CD
  idgate idnumber validate --country KE --type passport A1234567
Types: ZA national-id, refugee-file; UG nin, card; NG nin, vnin; KE national-id, passport, alien-id, service-id.
Exit code 0 when the number is valid, 1 when it is not.
`, stderr)
	country := fs.String("country", "ZA", "ISO country code: ZA, UG, NG or KE")
	idType := fs.String("type", "", "ID type; default the country's national ID")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("give exactly one NUMBER")}
	}
	res := idnumber.Validate(*country, *idType, fs.Arg(0), time.Now())
	if err := writeJSON(stdout, res); err != nil {
		return err
	}
	if !res.Valid {
		return errNo
	}
	return nil
}

func runName(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "score" {
		return usageError{fmt.Errorf("usage: idgate name score GIVEN RECORD")}
	}
	fs := newFlagSet("name score", "name score GIVEN RECORD", `  idgate name score "Sipho John" "John Sipho Ndlovu"
  idgate name score Mohamed Muhammad
Prints {"score":N}, 0–100, as verifications score each name field.
`, stderr)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 2 {
		return usageError{fmt.Errorf("give exactly two names (quote names with spaces)")}
	}
	return writeJSON(stdout, map[string]int{"score": namematch.Score(fs.Arg(0), fs.Arg(1))})
}

func runAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{fmt.Errorf("usage: idgate audit verify")}
	}
	return withStore(ctx, "audit verify", args[1:], stderr, func(a *storeHandle, rest []string) error {
		fs := newFlagSet("audit verify", "audit verify [flags]", "  idgate audit verify\nExit code 0 when the chain is intact, 1 when an entry was changed or removed.\n", stderr)
		if err := parseFlags(fs, rest); err != nil {
			return err
		}
		checked, broken, err := audit.VerifyChain(ctx, a.store)
		if err != nil {
			return err
		}
		out := map[string]any{"entries": checked, "intact": broken == 0}
		if broken != 0 {
			out["firstBroken"] = broken
		}
		if err := writeJSON(stdout, out); err != nil {
			return err
		}
		if broken != 0 {
			return errNo
		}
		return nil
	})
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
