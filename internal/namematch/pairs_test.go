package namematch

import (
	"encoding/csv"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// labelledPair is one row of testdata/pairs.csv.
type labelledPair struct {
	given, record string
	same          bool // label "same": the same name written differently
	min, max      int  // the band the score must land in
	note          string
}

func readPairs(t *testing.T) []labelledPair {
	t.Helper()
	f, err := os.Open("testdata/pairs.csv")
	if err != nil {
		t.Fatalf("open pairs: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read pairs: %v", err)
	}
	if got, want := strings.Join(rows[0], ","), "given,record,label,min,max,note"; got != want {
		t.Fatalf("pairs header = %q, want %q", got, want)
	}
	pairs := make([]labelledPair, 0, len(rows)-1)
	for i, row := range rows[1:] {
		p, err := parsePair(row)
		if err != nil {
			t.Fatalf("pairs.csv line %d: %v", i+2, err)
		}
		pairs = append(pairs, p)
	}
	return pairs
}

func parsePair(row []string) (labelledPair, error) {
	p := labelledPair{given: row[0], record: row[1], note: row[5]}
	switch row[2] {
	case "same":
		p.same = true
	case "different":
	default:
		return p, fmt.Errorf("label %q is neither same nor different", row[2])
	}
	var err error
	if p.min, err = strconv.Atoi(row[3]); err != nil {
		return p, fmt.Errorf("min: %w", err)
	}
	if p.max, err = strconv.Atoi(row[4]); err != nil {
		return p, fmt.Errorf("max: %w", err)
	}
	if p.min > p.max {
		return p, fmt.Errorf("band %d–%d is empty", p.min, p.max)
	}
	return p, nil
}

// accuracy counts the pairs that DefaultThreshold decides as labelled.
type accuracy struct {
	same, sameAccepted           int
	different, differentRejected int
}

func (a *accuracy) add(p labelledPair, score int) {
	if p.same {
		a.same++
		if score >= DefaultThreshold {
			a.sameAccepted++
		}
		return
	}
	a.different++
	if score < DefaultThreshold {
		a.differentRejected++
	}
}

func (a accuracy) overall() float64 {
	return float64(a.sameAccepted+a.differentRejected) / float64(a.same+a.different)
}

func (a accuracy) String() string {
	return fmt.Sprintf("at threshold %d: same accepted %d/%d, different rejected %d/%d, accuracy %.1f%%",
		DefaultThreshold, a.sameAccepted, a.same, a.differentRejected, a.different, 100*a.overall())
}

func TestLabelledPairs(t *testing.T) {
	pairs := readPairs(t)
	if len(pairs) < 70 {
		t.Fatalf("pairs.csv has %d pairs, want at least 70", len(pairs))
	}
	var acc accuracy
	for _, p := range pairs {
		score := Score(p.given, p.record)
		acc.add(p, score)
		if score < p.min || score > p.max {
			t.Errorf("Score(%q, %q) = %d, want %d–%d (%s)", p.given, p.record, score, p.min, p.max, p.note)
		}
	}
	t.Log(acc)
	if acc.overall() < 0.95 {
		t.Errorf("accuracy %.3f at DefaultThreshold, want at least 0.95", acc.overall())
	}
}

// TestPrintTable prints the pairs and their scores as a Markdown table for
// docs/NAMEMATCH.md: NAMEMATCH_TABLE=1 go test -v -run TestPrintTable.
func TestPrintTable(t *testing.T) {
	if os.Getenv("NAMEMATCH_TABLE") != "1" {
		t.Skip("set NAMEMATCH_TABLE=1 to print the table")
	}
	pairs := readPairs(t)
	var b strings.Builder
	var acc accuracy
	b.WriteString("| given | record | label | band | score | decision at 80 | note |\n")
	b.WriteString("| --- | --- | --- | --- | ---: | --- | --- |\n")
	for _, p := range pairs {
		score := Score(p.given, p.record)
		acc.add(p, score)
		label, decision := "different", "reject"
		if p.same {
			label = "same"
		}
		if score >= DefaultThreshold {
			decision = "match"
		}
		if (score >= DefaultThreshold) != p.same {
			decision += " ✗"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %d–%d | %d | %s | %s |\n",
			markdownCell(p.given), markdownCell(p.record), label, p.min, p.max, score, decision, p.note)
	}
	fmt.Fprintf(&b, "\n%s\n", acc)
	t.Log("\n" + b.String())
}

func markdownCell(s string) string {
	if s != strings.Join(strings.Fields(s), " ") || s == "" { // spaces Markdown would swallow
		return fmt.Sprintf("`%q`", s)
	}
	return strings.ReplaceAll(s, "|", `\|`)
}
