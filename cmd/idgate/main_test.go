package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

func TestHelpAndUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"help"}, exitOK, "Commands:"},
		{[]string{"bogus"}, exitUsage, "unknown command"},
		{[]string{"idnumber", "validate", "--country", "ZA", "8001014800080"}, exitOK, `"valid": true`},
		{[]string{"idnumber", "validate", "--country", "ZA", "8001014800081"}, exitFailure, `"valid": false`},
		{[]string{"idnumber", "validate"}, exitUsage, "exactly one NUMBER"},
		{[]string{"name", "score", "Mohammed", "Muhammad"}, exitOK, `"score"`},
		{[]string{"sandbox", "list"}, exitOK, "8507145123085"},
		{[]string{"completion", "bash"}, exitOK, "complete -F _idgate idgate"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		code := run(context.Background(), tt.args, &out, &out)
		if code != tt.code || !strings.Contains(out.String(), tt.out) {
			t.Errorf("idgate %s: exit %d, output %q; want exit %d containing %q", strings.Join(tt.args, " "), code, out.String(), tt.code, tt.out)
		}
	}
}

func TestCompletionScriptParses(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not installed")
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"completion", "bash"}, &out, &out); code != exitOK {
		t.Fatal(out.String())
	}
	cmd := exec.Command("bash", "-n")
	cmd.Stdin = &out
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v %s", err, msg)
	}
}
