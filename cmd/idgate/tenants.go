package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/idgate/idgate"
)

func runTenants(ctx context.Context, args []string, st idgate.Store, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{fmt.Errorf("usage: idgate tenants create|list")}
	}
	switch args[0] {
	case "create":
		return createTenant(ctx, args[1:], st, stdout, stderr)
	case "list":
		return listTenants(ctx, args[1:], st, stdout, stderr)
	default:
		return usageError{fmt.Errorf("unknown tenants command %q (create, list)", args[0])}
	}
}

func createTenant(ctx context.Context, args []string, st idgate.Store, stdout, stderr io.Writer) error {
	fs := newFlagSet("tenants create", "tenants create --name NAME [--parent TENANT] [--sandbox]", `  idgate tenants create --name "Acme Bank"
  idgate tenants create --name "Acme Bank Kenya" --parent 1b4e…   # a subsidiary
`, stderr)
	name := fs.String("name", "", "the business's name (shown to operators)")
	parent := fs.String("parent", "", "parent tenant id, for a subsidiary")
	sandboxTenant := fs.Bool("sandbox", false, "a sandbox tenant: free, idg_test_ keys")
	asJSON := fs.Bool("json", false, "print the tenant as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	*name = strings.TrimSpace(*name)
	if *name == "" || len(*name) > 200 {
		return usageError{fmt.Errorf("--name is required (at most 200 bytes)")}
	}
	if *parent != "" {
		if _, err := st.Tenant(ctx, *parent); err != nil {
			return fmt.Errorf("parent tenant: %w", err)
		}
	}
	t := &idgate.Tenant{ID: idgate.NewID(), ParentID: *parent, Name: *name, Sandbox: *sandboxTenant, CreatedAt: time.Now().UTC()}
	audit := &idgate.AuditEntry{Time: t.CreatedAt, TenantID: t.ID, Actor: "cli", Action: "tenant.create", Subject: t.ID}
	if err := st.CreateTenant(ctx, t, audit); err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, t)
	}
	fmt.Fprintf(stdout, "created tenant %s (%s)\nnext: idgate keys create --tenant %s\n", t.ID, t.Name, t.ID)
	return nil
}

func listTenants(ctx context.Context, args []string, st idgate.Store, stdout, stderr io.Writer) error {
	fs := newFlagSet("tenants list", "tenants list [--json]", "  idgate tenants list\n", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	ts, err := st.Tenants(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(stdout, ts)
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPARENT\tSANDBOX\tCREATED")
	for _, t := range ts {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", t.ID, t.Name, t.ParentID, t.Sandbox, t.CreatedAt.Format(time.RFC3339))
	}
	return tw.Flush()
}
