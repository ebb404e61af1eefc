package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/auth"
)

const keysUsage = `usage: idgate keys create|list|revoke [flags]

  create  --tenant ID [--kind api_key|oauth_client|subscription_key] [--name N] [--json]
  list    [--tenant ID] [--json]
  revoke  --tenant ID KEYID
  rotate-signing-key [--invalidate-tokens]

Run 'idgate keys <subcommand> -h' for flags and examples.`

// keysActor is how the audit log names this command.
const keysActor = "cli"

// runKeys manages a tenant's credentials: API keys, OAuth clients and
// subscription keys. Secrets are printed once, by create, and never again.
func runKeys(ctx context.Context, args []string, st auth.Store, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(keysUsage)}
	}
	switch args[0] {
	case "create":
		return runKeysCreate(ctx, args[1:], st, stdout, stderr)
	case "list":
		return runKeysList(ctx, args[1:], st, stdout, stderr)
	case "revoke":
		return runKeysRevoke(ctx, args[1:], st, stdout, stderr)
	case "rotate-signing-key":
		return runKeysRotate(ctx, args[1:], st, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, keysUsage)
		return flag.ErrHelp
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], keysUsage)}
}

func runKeysCreate(ctx context.Context, args []string, st idgate.TenantStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys create", "keys create --tenant ID [--kind KIND] [--name NAME] [--json]", `  idgate keys create --tenant 0f8c…            # an API key: Authorization: Bearer <key>
  idgate keys create --tenant 0f8c… --kind oauth_client --name "CRM sync"
  idgate keys create --tenant 0f8c… --kind subscription_key --json | jq -r .secret

The secret is printed once: idgate keeps only its SHA-256 and cannot show it again.
`, stderr)
	tenant := fs.String("tenant", "", "tenant id (required)")
	kind := fs.String("kind", string(idgate.APIKey), "api_key, oauth_client or subscription_key")
	name := fs.String("name", "", "a label for operators, e.g. the system that uses the key")
	firstName := fs.String("first-name", "API", "first name of the user the credential acts for (reported by Youverify's requestedBy)")
	lastName := fs.String("last-name", "User", "last name of that user")
	email := fs.String("email", "", "email of that user")
	asJSON := fs.Bool("json", false, `print {"id","kind","secret"} as JSON, for scripts`)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tenant == "" || fs.NArg() != 0 {
		return usageError{errors.New("give --tenant ID and no arguments")}
	}
	k := idgate.CredentialKind(*kind)
	if k != idgate.APIKey && k != idgate.OAuthClient && k != idgate.SubscriptionKey {
		return usageError{fmt.Errorf("--kind %q: want api_key, oauth_client or subscription_key", *kind)}
	}
	user := idgate.User{ID: idgate.NewID(), FirstName: *firstName, LastName: *lastName, Email: *email}
	cred, secret, err := auth.CreateCredential(ctx, st, *tenant, k, *name, user, keysActor)
	if err != nil {
		return keysError(err, "tenant "+*tenant+" not found")
	}
	fmt.Fprintln(stderr, "Store this secret now: idgate keeps only a hash of it and will not show it again.")
	if *asJSON {
		return writeJSON(stdout, map[string]string{"id": cred.ID, "kind": string(cred.Kind), "secret": secret})
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "id:\t%s\nkind:\t%s\nsecret:\t%s\n", cred.ID, cred.Kind, secret)
	if err := w.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(stderr, "Use:", auth.UsageHint(cred))
	return nil
}

// keyListing is one credential in `keys list --json`; it has no secret
// and no hash.
type keyListing struct {
	ID        string     `json:"id"`
	TenantID  string     `json:"tenantId"`
	Kind      string     `json:"kind"`
	Name      string     `json:"name"`
	CreatedAt time.Time  `json:"createdAt"`
	RevokedAt *time.Time `json:"revokedAt"`
}

func runKeysList(ctx context.Context, args []string, st idgate.TenantStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys list", "keys list [--tenant ID] [--json]", `  idgate keys list --tenant 0f8c…
  idgate keys list                 # every tenant's credentials
  idgate keys list --json | jq '.[] | select(.revokedAt == null) | .id'
`, stderr)
	tenant := fs.String("tenant", "", "tenant id; default every tenant")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{errors.New("keys list takes no arguments")}
	}
	tenantIDs := []string{*tenant}
	if *tenant == "" {
		tenants, err := st.Tenants(ctx)
		if err != nil {
			return fmt.Errorf("list tenants: %w", err)
		}
		tenantIDs = tenantIDs[:0]
		for _, t := range tenants {
			tenantIDs = append(tenantIDs, t.ID)
		}
	} else if _, err := st.Tenant(ctx, *tenant); err != nil {
		return keysError(err, "tenant "+*tenant+" not found")
	}
	listing := []keyListing{}
	for _, id := range tenantIDs {
		creds, err := st.Credentials(ctx, id)
		if err != nil {
			return fmt.Errorf("list credentials of tenant %s: %w", id, err)
		}
		for _, c := range creds {
			listing = append(listing, keyListing{ID: c.ID, TenantID: c.TenantID, Kind: string(c.Kind), Name: c.Name,
				CreatedAt: c.CreatedAt.UTC(), RevokedAt: c.RevokedAt})
		}
	}
	if *asJSON {
		return writeJSON(stdout, listing)
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tKIND\tNAME\tCREATED\tREVOKED\tTENANT")
	for _, l := range listing {
		revoked := "-"
		if l.RevokedAt != nil {
			revoked = l.RevokedAt.UTC().Format(time.RFC3339)
		}
		name := l.Name
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Kind, name, l.CreatedAt.Format(time.RFC3339), revoked, l.TenantID)
	}
	return w.Flush()
}

func runKeysRevoke(ctx context.Context, args []string, st idgate.TenantStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys revoke", "keys revoke --tenant ID KEYID", `  idgate keys revoke --tenant 0f8c… k3nq4x7vb2mh5dso
  idgate keys revoke --tenant 0f8c… idgc_a7x2…     # an OAuth client: its access tokens stop working too

KEYID is the id shown by 'idgate keys list' (for an API key, the part after idg_live_).
Revocation takes effect at once and cannot be undone.
`, stderr)
	tenant := fs.String("tenant", "", "tenant id (required)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *tenant == "" || len(rest) != 1 {
		return usageError{errors.New("give --tenant ID and exactly one KEYID")}
	}
	id := rest[0]
	if strings.HasPrefix(id, auth.APIKeyPrefixLive) || strings.HasPrefix(id, auth.APIKeyPrefixTest) {
		// Accept a whole key too, but only ever print its id.
		parsed, ok := auth.ParseAPIKey(id)
		if !ok {
			return usageError{errors.New("KEYID looks like an API key but is not a valid one; give the id from 'idgate keys list'")}
		}
		id = parsed
	}
	if err := auth.RevokeCredential(ctx, st, *tenant, id, keysActor); err != nil {
		return keysError(err, "tenant "+*tenant+" has no credential "+id+" (see 'idgate keys list')")
	}
	fmt.Fprintf(stdout, "revoked %s\n", id)
	return nil
}

func runKeysRotate(ctx context.Context, args []string, st idgate.SigningKeyStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("keys rotate-signing-key", "keys rotate-signing-key [--invalidate-tokens]", `  idgate keys rotate-signing-key
  idgate keys rotate-signing-key --invalidate-tokens   # after a suspected key leak

Creates a new key for signing OAuth access tokens and retires the others. Tokens signed
by a retired key stay valid until they expire (15 minutes), unless --invalidate-tokens is
given; clients then fetch new tokens. Running servers switch within a minute. Keys also
rotate by themselves every 30 days.
`, stderr)
	invalidate := fs.Bool("invalidate-tokens", false, "make tokens signed by the old keys invalid at once")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError{errors.New("keys rotate-signing-key takes no arguments")}
	}
	now := time.Now().UTC()
	retireAt := now
	if *invalidate {
		// Retired further back than any token's lifetime, the old keys
		// verify nothing (SigningKeys no longer returns them).
		retireAt = now.Add(-24 * time.Hour)
	}
	kid, err := auth.RotateSigningKeys(ctx, st, now, retireAt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "signing key %s is now active\n", kid)
	return nil
}

// parseInterspersed parses flags that may come before or after the
// positional arguments (flag stops at the first positional one).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// keysError turns application errors into messages for the operator.
func keysError(err error, notFound string) error {
	switch idgate.ErrorCode(err) {
	case idgate.EINVALID:
		return usageError{errors.New(idgate.ErrorMessage(err))}
	case idgate.ENOTFOUND:
		return errors.New(notFound)
	}
	return err
}
