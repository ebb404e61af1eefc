package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/idgate/idgate"
)

const walletUsage = `usage: idgate wallet balance|topup [flags]

  balance --tenant ID [--json]
  topup   --tenant ID [--reason R] [--json] AMOUNT

AMOUNT is in the wallet's minor units (cents, kobo…). Run 'idgate wallet <subcommand> -h' for examples.`

// walletActor is how the audit log names this command.
const walletActor = "cli"

// runWallet shows a tenant's balance or tops it up. Every top-up is in the
// audit log with its amount.
func runWallet(ctx context.Context, args []string, st idgate.Store, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{errors.New(walletUsage)}
	}
	switch args[0] {
	case "balance":
		return runWalletBalance(ctx, args[1:], st, stdout, stderr)
	case "topup", "top-up":
		return runWalletTopUp(ctx, args[1:], st, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprintln(stderr, walletUsage)
		return flag.ErrHelp
	}
	return usageError{fmt.Errorf("unknown subcommand %q\n%s", args[0], walletUsage)}
}

func runWalletBalance(ctx context.Context, args []string, st idgate.WalletStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("wallet balance", "wallet balance --tenant ID [--json]", `  idgate wallet balance --tenant 0f8c…
  idgate wallet balance --tenant 0f8c… --json | jq .balance
`, stderr)
	tenant := fs.String("tenant", "", "tenant id (required)")
	asJSON := fs.Bool("json", false, "print the wallet as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tenant == "" || fs.NArg() != 0 {
		return usageError{errors.New("give --tenant ID and no arguments")}
	}
	w, err := st.Wallet(ctx, *tenant)
	if err != nil {
		return walletError(err, *tenant)
	}
	return printWallet(stdout, w, *asJSON, "")
}

func runWalletTopUp(ctx context.Context, args []string, st idgate.WalletStore, stdout, stderr io.Writer) error {
	fs := newFlagSet("wallet topup", "wallet topup --tenant ID [--reason R] [--json] AMOUNT", `  idgate wallet topup --tenant 0f8c… 500000                # 5 000.00 in a currency with cents
  idgate wallet topup --tenant 0f8c… --reason "invoice 2026-041" 250000
`, stderr)
	tenant := fs.String("tenant", "", "tenant id (required)")
	reason := fs.String("reason", "", "why, for the audit log (e.g. an invoice number)")
	asJSON := fs.Bool("json", false, "print the wallet after the top-up as JSON")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *tenant == "" || fs.NArg() != 1 {
		return usageError{errors.New("give --tenant ID and exactly one AMOUNT")}
	}
	amount, err := strconv.ParseInt(strings.ReplaceAll(fs.Arg(0), "_", ""), 10, 64)
	if err != nil || amount <= 0 {
		return usageError{fmt.Errorf("AMOUNT %q: want a positive whole number of minor units", fs.Arg(0))}
	}
	audit := &idgate.AuditEntry{
		Time: time.Now().UTC(), TenantID: *tenant, Actor: walletActor, Action: "wallet.topup",
		Subject: *tenant, Reason: strings.TrimSpace(*reason), Amount: amount,
	}
	w, err := st.TopUp(ctx, *tenant, amount, audit)
	if err != nil {
		return walletError(err, *tenant)
	}
	return printWallet(stdout, w, *asJSON, fmt.Sprintf("topped up %d; ", amount))
}

func printWallet(stdout io.Writer, w *idgate.Wallet, asJSON bool, prefix string) error {
	if asJSON {
		return writeJSON(stdout, w)
	}
	currency := ""
	if w.Currency != "" {
		currency = " " + w.Currency
	}
	_, err := fmt.Fprintf(stdout, "tenant %s: %sbalance %d%s (minor units)\n", w.TenantID, prefix, w.Balance, currency)
	return err
}

func walletError(err error, tenant string) error {
	switch idgate.ErrorCode(err) {
	case idgate.EINVALID:
		return usageError{errors.New(idgate.ErrorMessage(err))}
	case idgate.ENOTFOUND:
		return fmt.Errorf("tenant %s not found", tenant)
	}
	return err
}
