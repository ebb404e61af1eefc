package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestVerifyCommand(t *testing.T) {
	url, key := startServer(t)
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"verify", "--url", url, "--key", key, "--consent", "--reason", "test",
		"--first-names", "Thabo Johannes", "--last-name", "Mokoena", "--birth-date", "1985-07-14", "--fraud", "8507145123085"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{"registry:  found (live)", "first names 100, last name 100", "birth date matches", "fraud:     no listings"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	code = run(context.Background(), []string{"verify", "--url", url, "--key", key, "--reason", "test", "--last-name", "X", "--first-names", "Y", "8507145123085"}, &out, &errOut)
	if code != exitFailure || !strings.Contains(out.String(), "consent") {
		t.Fatalf("without --consent: exit %d, output %q", code, out.String())
	}
	code = run(context.Background(), []string{"verify", "--url", url, "8507145123085"}, &out, &errOut)
	if code != exitUsage {
		t.Fatalf("without a key: exit %d, want %d", code, exitUsage)
	}
}
