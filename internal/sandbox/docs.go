package sandbox

import (
	"fmt"
	"strings"
)

// Markdown renders the identities as the tables of docs/SANDBOX.md, one
// per endpoint, so the document is generated from the same list the server
// seeds (TestSandboxDoc keeps them equal).
func Markdown(ids []Identity) string {
	var b strings.Builder
	endpoint := ""
	for _, id := range ids {
		if id.Endpoint != endpoint {
			endpoint = id.Endpoint
			fmt.Fprintf(&b, "\n### `%s` (%s)\n\n", endpoint, id.Country)
			b.WriteString("| number | type | names | case | expected answer | selfie |\n|---|---|---|---|---|---|\n")
		}
		selfie := ""
		if id.Selfie != "" {
			selfie = "`" + id.Selfie + "`"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %s |\n",
			id.Number, id.IDType, id.Names, id.Case, strings.ReplaceAll(id.Expect, "|", `\|`), selfie)
	}
	return b.String()
}
