// Command idgate is the identity-verification gateway: one binary that
// serves the native API and the vendor dialects, and the operator's command
// line (migrations, registry import, keys, wallets, audit, face tools).
//
// Run `idgate help` for the commands; every command takes -h.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit codes, documented in `idgate help`.
const (
	exitOK      = 0
	exitFailure = 1 // the command ran and the answer is "no" (invalid number, broken chain) or it failed
	exitUsage   = 2 // bad flags or arguments
)

const usage = `idgate — identity-verification gateway

Usage:
  idgate <command> [flags] [arguments]

Commands:
  serve              run the HTTP server (native API, vendor dialects, dashboard)
  migrate            apply database migrations and exit
  registry import    import registry records from a JSONL file
  sandbox list       print the sandbox test identities as JSON
  admin              create and manage dashboard operators (create, password, disable, enable, list)
  tenants            create businesses and subsidiaries, list them
  keys               create, list and revoke API keys, OAuth clients, subscription keys
  wallet             show a tenant's balance or top it up
  idnumber validate  check an ID number and print what it says
  name score         score two names (0–100) as verifications do
  audit verify       check the audit log's hash chain
  face               compare faces, check liveness, evaluate accuracy
  verify             send a verification to a running server and print a summary
  completion         print a bash or zsh completion script
  version            print the version

Run 'idgate <command> -h' for a command's flags and examples.
Every flag has an environment variable: --data-dir is IDGATE_DATA_DIR, and so on.

Exit codes: 0 success; 1 the answer is no (invalid number, broken chain) or the command failed; 2 usage error.
`

var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line; main_test drives it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	err := dispatch(ctx, args[0], args[1:], stdout, stderr)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "idgate %s: %v\n", args[0], ue.error)
		return exitUsage
	case errors.Is(err, errNo):
		return exitFailure
	default:
		fmt.Fprintf(stderr, "idgate %s: %v\n", args[0], err)
		return exitFailure
	}
}

func dispatch(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	switch cmd {
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, stdout, stderr)
	case "registry":
		return runRegistry(ctx, args, stdout, stderr)
	case "sandbox":
		return runSandbox(ctx, args, stdout, stderr)
	case "keys":
		return withStore(ctx, "keys", args, stderr, func(h *storeHandle, rest []string) error {
			return runKeys(ctx, rest, h.store, stdout, stderr)
		})
	case "admin":
		return withStore(ctx, "admin", args, stderr, func(h *storeHandle, rest []string) error {
			return runAdmin(ctx, rest, h.store, stdout, stderr)
		})
	case "tenants":
		return withStore(ctx, "tenants", args, stderr, func(h *storeHandle, rest []string) error {
			return runTenants(ctx, rest, h.store, stdout, stderr)
		})
	case "wallet":
		return withStore(ctx, "wallet", args, stderr, func(h *storeHandle, rest []string) error {
			return runWallet(ctx, rest, h.store, stdout, stderr)
		})
	case "idnumber":
		return runIDNumber(ctx, args, stdout, stderr)
	case "name":
		return runName(ctx, args, stdout, stderr)
	case "audit":
		return runAudit(ctx, args, stdout, stderr)
	case "face":
		return runFace(ctx, args, stdout, stderr)
	case "verify":
		return runVerify(ctx, args, stdout, stderr)
	case "completion":
		return runCompletion(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "idgate", version)
		return nil
	default:
		return usageError{fmt.Errorf("unknown command %q (see 'idgate help')", cmd)}
	}
}

// usageError marks errors in how the command was called (exit code 2).
type usageError struct{ error }

// errNo is returned by commands whose answer is "no" after printing it
// (exit code 1 without an extra message).
var errNo = errors.New("no")

// parseFlags parses fs and turns flag errors into usage errors.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}

// newFlagSet returns a FlagSet whose -h prints the synopsis and examples.
func newFlagSet(name, synopsis, examples string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: idgate %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
		if examples != "" {
			fmt.Fprintf(stderr, "\nExamples:\n%s", examples)
		}
	}
	return fs
}
