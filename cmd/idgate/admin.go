package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/dashboard"
)

const adminUsage = `usage: idgate admin create|password|list [flags]

  create    --email E [--password-stdin]   add a dashboard operator
  password  --email E [--password-stdin]   set a new password (signs the operator out everywhere)
  disable   --email E                      stop an operator signing in (signs them out everywhere)
  enable    --email E                      let a disabled operator sign in again
  list                                     list operators

The dashboard is served by 'idgate serve' under /admin.
Run 'idgate admin <subcommand> -h' for flags and examples.`

// adminActor is how the audit log names this command.
const adminActor = "cli"

// runAdmin manages dashboard operators. Passwords are read from the
// terminal without echo, or from standard input with --password-stdin,
// never from a flag (flags end up in shell history and ps).
func runAdmin(ctx context.Context, args []string, st idgate.Store, stdout, stderr io.Writer) error {
	as, ok := st.(idgate.AdminStore)
	if !ok {
		return errors.New("this store keeps no admin accounts")
	}
	if len(args) == 0 {
		return usageError{errors.New(adminUsage)}
	}
	switch args[0] {
	case "create":
		return runAdminCreate(ctx, args[1:], as, os.Stdin, stdout, stderr)
	case "password":
		return runAdminPassword(ctx, args[1:], as, os.Stdin, stdout, stderr)
	case "disable", "enable":
		return runAdminDisable(ctx, args[0], args[1:], as, stdout, stderr)
	case "list":
		return runAdminList(ctx, args[1:], as, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, adminUsage)
		return flag.ErrHelp
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], adminUsage)}
}

func runAdminCreate(ctx context.Context, args []string, st idgate.AdminStore, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("admin create", "admin create --email E [--password-stdin]", `  idgate admin create --email ops@example.com          # prompts for the password twice
  printf '%s\n' "$ADMIN_PASSWORD" | idgate admin create --email ops@example.com --password-stdin

Passwords need at least 12 characters; they are stored as argon2id hashes.
`, stderr)
	addr, hash, err := parseAdminFlags(fs, args, stdin, stderr, nil)
	if err != nil {
		return err
	}
	a := &idgate.Admin{ID: idgate.NewID(), Email: addr, PasswordHash: hash, CreatedAt: time.Now().UTC()}
	audit := &idgate.AuditEntry{Time: a.CreatedAt, Actor: adminActor, Action: "admin.create", Subject: a.ID}
	if err := st.CreateAdmin(ctx, a, audit); err != nil {
		if idgate.ErrorCode(err) == idgate.ECONFLICT {
			return fmt.Errorf("an operator with email %s exists; use 'idgate admin password --email %s' to reset the password", addr, addr)
		}
		return err
	}
	fmt.Fprintf(stdout, "created operator %s (%s); sign in at /admin\n", a.Email, a.ID)
	return nil
}

func runAdminPassword(ctx context.Context, args []string, st idgate.AdminStore, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("admin password", "admin password --email E [--password-stdin]", `  idgate admin password --email ops@example.com
`, stderr)
	var a *idgate.Admin
	_, hash, err := parseAdminFlags(fs, args, stdin, stderr, func(addr string) (err error) {
		if a, err = st.AdminByEmail(ctx, addr); err != nil {
			return fmt.Errorf("operator %s: %w", addr, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	audit := &idgate.AuditEntry{Time: time.Now().UTC(), Actor: adminActor, Action: "admin.password", Subject: a.ID}
	if err := st.SetAdminPassword(ctx, a.ID, hash, audit); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "password of %s changed; their sessions have ended\n", a.Email)
	return nil
}

func runAdminDisable(ctx context.Context, verb string, args []string, st idgate.AdminStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("admin "+verb, "admin "+verb+" --email E", "  idgate admin "+verb+" --email ops@example.com\n", stderr)
	email := fs.String("email", "", "the operator's email (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	addr, err := adminEmail(*email, fs.NArg())
	if err != nil {
		return err
	}
	a, err := st.AdminByEmail(ctx, addr)
	if err != nil {
		return fmt.Errorf("operator %s: %w", addr, err)
	}
	now := time.Now().UTC()
	var at *time.Time
	if verb == "disable" {
		at = &now
	}
	audit := &idgate.AuditEntry{Time: now, Actor: adminActor, Action: "admin." + verb, Subject: a.ID}
	if err := st.SetAdminDisabled(ctx, a.ID, at, audit); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "operator %s %sd\n", a.Email, verb)
	return nil
}

func runAdminList(ctx context.Context, args []string, st idgate.AdminStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("admin list", "admin list", "  idgate admin list\n", stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	admins, err := st.Admins(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tID\tCREATED\tSTATE")
	for _, a := range admins {
		state := "active"
		if !a.Active() {
			state = "disabled"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.Email, a.ID, a.CreatedAt.Format(time.RFC3339), state)
	}
	return w.Flush()
}

// parseAdminFlags parses --email and --password-stdin, runs check on the
// email (before asking for a password, so a typo fails fast), then reads
// the new password and returns its argon2id hash.
func parseAdminFlags(fs *flag.FlagSet, args []string, stdin io.Reader, stderr io.Writer, check func(addr string) error) (addr, hash string, err error) {
	email := fs.String("email", "", "the operator's email, used to sign in (required)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseFlags(fs, args); err != nil {
		return "", "", err
	}
	if addr, err = adminEmail(*email, fs.NArg()); err != nil {
		return "", "", err
	}
	if check != nil {
		if err := check(addr); err != nil {
			return "", "", err
		}
	}
	password, err := readNewPassword(stdin, stderr, *fromStdin)
	if err != nil {
		return "", "", err
	}
	if hash, err = dashboard.HashPassword(password); err != nil {
		return "", "", usageError{err}
	}
	return addr, hash, nil
}

// adminEmail checks the --email flag.
func adminEmail(email string, extraArgs int) (string, error) {
	if email == "" || extraArgs != 0 {
		return "", usageError{errors.New("give --email and no arguments")}
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != strings.TrimSpace(email) || len(email) > 254 {
		return "", usageError{fmt.Errorf("--email %q is not an email address", email)}
	}
	return strings.ToLower(addr.Address), nil
}

// readNewPassword reads a password from stdin's first line, or prompts for
// it twice on the terminal without echo.
func readNewPassword(stdin io.Reader, stderr io.Writer, fromStdin bool) (string, error) {
	if fromStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, dashboard.MaxPasswordLen+2)).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read password: %w", err)
		}
		password := strings.TrimRight(line, "\r\n")
		if err := dashboard.CheckPasswordPolicy(password); err != nil {
			return "", usageError{err}
		}
		return password, nil
	}
	f, ok := stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", usageError{errors.New("standard input is not a terminal: pipe the password with --password-stdin")}
	}
	fmt.Fprint(stderr, "Password: ")
	first, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if err := dashboard.CheckPasswordPolicy(string(first)); err != nil {
		return "", usageError{err}
	}
	fmt.Fprint(stderr, "Repeat:   ")
	second, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(stderr)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(first) != string(second) {
		return "", usageError{errors.New("the passwords differ")}
	}
	return string(first), nil
}
