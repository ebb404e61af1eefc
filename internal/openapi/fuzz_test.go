package openapi

import (
	"strings"
	"testing"
)

// FuzzProse checks that descriptions are escaped: whatever the text, the
// only markup in the output is the code spans and paragraph breaks prose
// adds itself.
func FuzzProse(f *testing.F) {
	for _, s := range []string{"plain", "`code` and <script>alert(1)</script>", "a\n\nb", "``", "`unclosed", "&amp; \"q\""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := string(prose(s))
		for _, tag := range []string{"<code>", "</code>", "</p><p>"} {
			out = strings.ReplaceAll(out, tag, "")
		}
		if strings.ContainsAny(out, "<>") {
			t.Fatalf("prose(%q) leaves markup: %q", s, prose(s))
		}
	})
}

// TestDocsRenders renders the page from the embedded document.
func TestDocsRenders(t *testing.T) {
	page, err := DocsHTML()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `id="op-createVerification"`) {
		t.Fatal("the page lacks the createVerification operation")
	}
}
