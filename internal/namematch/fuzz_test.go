package namematch

import "testing"

func FuzzScore(f *testing.F) {
	seeds := [][2]string{
		{"Sipho John", "John Sipho"},
		{"Mohammed", "Muhammad"},
		{"O'Brien", "OBrien"},
		{"Ngũgĩ wa Thiong'o", "Ngugi wa Thiongo"},
		{"Adébáyọ̀", "Adebayo"},
		{"S. J.", "Sipho John"},
		{"", "Sipho"},
		{"\xff\xfe", "\x00"},
		{"a b c d e f g h i j k l m", "m l k"},
		{"محمد", "Oluwaseun"},
		{"Vandermerwe", "Van der Merwe"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, given, record string) {
		score := Score(given, record)
		if score < 0 || score > 100 {
			t.Fatalf("Score(%q, %q) = %d, out of 0..100", given, record, score)
		}
		if reverse := Score(record, given); (score == 100) != (reverse == 100) {
			t.Fatalf("Score(%q, %q) = %d but reversed %d: exact match must be symmetric", given, record, score, reverse)
		}
		for _, s := range []string{given, record} {
			if self := Score(s, s); self != 0 && self != 100 {
				t.Fatalf("Score(x, x) = %d for %q, want 100 (or 0 when x has no letters)", self, s)
			}
		}
		var g, r field
		g.parse(given)
		r.parse(record)
		if (g.n == 0 || r.n == 0) && score != 0 {
			t.Fatalf("Score(%q, %q) = %d with an empty side, want 0", given, record, score)
		}
		if reverse := Score(record, given); g.n == r.n && score != reverse {
			t.Fatalf("Score(%q, %q) = %d but reversed %d: want symmetry with as many names on both sides", given, record, score, reverse)
		}
	})
}

var benchPairs = [][2]string{
	{"Sipho John", "John Sipho"},
	{"Mohamed", "Muhammad"},
	{"Wanjiku", "Wanjiru"},
	{"S. J.", "Sipho John Mandla"},
	{"Chukwuemeka", "Chukwemeka"},
	{"Thérèse", "Therese"},
}

var sink int

func BenchmarkScore(b *testing.B) {
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := benchPairs[i%len(benchPairs)]
		sink += Score(p[0], p[1])
	}
}

func BenchmarkScoreLongest(b *testing.B) {
	given := "Oluwaseun Chukwuemeka Nomvula Wanjiru Kipchoge Thandiwe Mohammed Adebayo Nkosinathi Babirye"
	record := "Babirye Nkosinathi Adebayo Muhammad Thandi Kipchoge Wanjiku Nomvelo Chukwuemeka Oluseun"
	b.ReportAllocs()
	for b.Loop() {
		sink += Score(given, record)
	}
}
