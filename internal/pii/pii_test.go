package pii

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustSealer(t testing.TB, keys map[string][]byte, current string) *Sealer {
	t.Helper()
	s, err := NewSealer(keys, current)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSealOpen(t *testing.T) {
	s := mustSealer(t, map[string][]byte{"k1": key(1)}, "k1")
	for _, plain := range [][]byte{nil, []byte("8001015009087"), bytes.Repeat([]byte("x"), 1<<16)} {
		sealed, err := s.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if len(plain) > 0 && bytes.Contains(sealed, plain) {
			t.Error("sealed value contains the plaintext")
		}
		got, err := s.Open(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Open(Seal(%d bytes)) = %d bytes, %v", len(plain), len(got), err)
		}
		if id, _ := KeyID(sealed); id != "k1" {
			t.Errorf("KeyID = %q, want k1", id)
		}
	}
	a, _ := s.Seal([]byte("same"))
	b, _ := s.Seal([]byte("same"))
	if bytes.Equal(a, b) {
		t.Error("two seals of the same value are equal: nonces repeat")
	}
}

func TestSealWithContext(t *testing.T) {
	s := mustSealer(t, map[string][]byte{"k1": key(1)}, "k1")
	sealed, err := s.SealWith([]byte("record"), []byte("verification/v-1/t-a"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.OpenWith(sealed, []byte("verification/v-1/t-a")); err != nil || string(got) != "record" {
		t.Errorf("OpenWith(same context) = %q, %v", got, err)
	}
	for _, ctx := range [][]byte{nil, []byte("verification/v-1/t-b"), []byte("verification/v-2/t-a")} {
		if _, err := s.OpenWith(sealed, ctx); !errors.Is(err, ErrSealed) {
			t.Errorf("OpenWith(%q) = %v, want ErrSealed", ctx, err)
		}
	}
	plain, _ := s.Seal([]byte("x"))
	if _, err := s.OpenWith(plain, []byte("ctx")); !errors.Is(err, ErrSealed) {
		t.Errorf("a context-free value opened with a context: %v", err)
	}
}

func TestRotation(t *testing.T) {
	old := mustSealer(t, map[string][]byte{"k1": key(1)}, "k1")
	sealedOld, _ := old.Seal([]byte("old"))
	rotated := mustSealer(t, map[string][]byte{"k1": key(1), "k2": key(2)}, "k2")
	if got, err := rotated.Open(sealedOld); err != nil || string(got) != "old" {
		t.Errorf("rotated Open(old) = %q, %v", got, err)
	}
	sealedNew, _ := rotated.Seal([]byte("new"))
	if id, _ := KeyID(sealedNew); id != "k2" {
		t.Errorf("new values sealed with %q, want k2", id)
	}
	if _, err := old.Open(sealedNew); !errors.Is(err, ErrSealed) {
		t.Errorf("old sealer opened a k2 value: %v", err)
	}
	// Blind indexes survive the rotation when the old index key is kept.
	kept, err := rotated.WithIndexKey("k1")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(kept.BlindIndex("ZA", "1"), old.BlindIndex("ZA", "1")) {
		t.Error("WithIndexKey(k1) does not reproduce the old index")
	}
	if bytes.Equal(rotated.BlindIndex("ZA", "1"), old.BlindIndex("ZA", "1")) {
		t.Error("a new index key gives the same index")
	}
	if _, err := rotated.WithIndexKey("k9"); err == nil {
		t.Error("WithIndexKey(unknown) succeeded")
	}
	retired, err := kept.Retire("k1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := retired.Open(sealedOld); !errors.Is(err, ErrSealed) {
		t.Errorf("a retired key still opens: %v", err)
	}
	if got, err := retired.Open(sealedNew); err != nil || string(got) != "new" {
		t.Errorf("retired sealer Open(new) = %q, %v", got, err)
	}
	if !bytes.Equal(retired.BlindIndex("ZA", "1"), old.BlindIndex("ZA", "1")) {
		t.Error("retiring k1 changed the kept index")
	}
	if _, err := retired.Retire("k2"); err == nil {
		t.Error("retiring the current key succeeded")
	}
}

func TestOpenRejectsTampering(t *testing.T) {
	s := mustSealer(t, map[string][]byte{"k1": key(1), "k2": key(2)}, "k1")
	sealed, _ := s.Seal([]byte("secret"))
	relabelled := append([]byte{2, 'k', '2'}, sealed[3:]...)
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	for name, b := range map[string][]byte{
		"empty": {}, "truncated id": {5, 'k'}, "unknown key": append([]byte{2, 'k', '9'}, sealed[3:]...),
		"relabelled to another key": relabelled, "flipped bit": flipped, "truncated": sealed[:10],
	} {
		if _, err := s.Open(b); !errors.Is(err, ErrSealed) {
			t.Errorf("%s: Open = %v, want ErrSealed", name, err)
		}
	}
}

func TestBlindIndex(t *testing.T) {
	s := mustSealer(t, map[string][]byte{"k1": key(1)}, "k1")
	other := mustSealer(t, map[string][]byte{"k1": key(3)}, "k1")
	a := s.BlindIndex("ZA", "national-id", "8001015009087")
	if !bytes.Equal(a, s.BlindIndex("ZA", "national-id", "8001015009087")) {
		t.Error("BlindIndex is not deterministic")
	}
	for name, b := range map[string][]byte{
		"other number":             s.BlindIndex("ZA", "national-id", "8001015009088"),
		"parts joined differently": s.BlindIndex("ZAnational-id", "", "8001015009087"),
		"other key":                other.BlindIndex("ZA", "national-id", "8001015009087"),
	} {
		if bytes.Equal(a, b) {
			t.Errorf("%s gives the same index", name)
		}
	}
	if len(a) != 32 {
		t.Errorf("index is %d bytes, want 32", len(a))
	}
}

func TestNewSealerErrors(t *testing.T) {
	tests := map[string]struct {
		keys    map[string][]byte
		current string
	}{
		"missing current": {map[string][]byte{"k1": key(1)}, "k2"},
		"short key":       {map[string][]byte{"k1": key(1)[:16]}, "k1"},
		"empty id":        {map[string][]byte{"": key(1)}, ""},
		"id with colon":   {map[string][]byte{"a:b": key(1)}, "a:b"},
	}
	for name, tt := range tests {
		if _, err := NewSealer(tt.keys, tt.current); err == nil {
			t.Errorf("%s: NewSealer succeeded", name)
		}
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "pii.key")
	id, k, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(k) != KeySize || id == "" {
		t.Fatalf("created key %q of %d bytes", id, len(k))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode = %v, want 0600", fi.Mode().Perm())
	}
	id2, k2, err := LoadOrCreateKeyFile(path)
	if err != nil || id2 != id || !bytes.Equal(k2, k) {
		t.Errorf("reloaded key %q differs from created %q (%v)", id2, id, err)
	}
	if err := os.WriteFile(path, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadOrCreateKeyFile(path); err == nil {
		t.Error("a malformed key file loaded")
	}
}

func TestParseKey(t *testing.T) {
	id, k, err := ParseKey(" " + FormatKey("prod-2026", key(7)) + "\n")
	if err != nil || id != "prod-2026" || !bytes.Equal(k, key(7)) {
		t.Errorf("ParseKey(FormatKey) = %q, %x, %v", id, k, err)
	}
	for _, bad := range []string{"", "nokey", ":AAAA", "k1:not base64!", "k1:AAAA"} {
		if _, _, err := ParseKey(bad); err == nil {
			t.Errorf("ParseKey(%q) succeeded", bad)
		}
	}
}

func FuzzOpen(f *testing.F) {
	s := mustSealer(f, map[string][]byte{"k1": key(1)}, "k1")
	good, _ := s.Seal([]byte("hello"))
	f.Add(good)
	f.Add([]byte{})
	f.Add([]byte{2, 'k', '1', 0, 0})
	f.Add([]byte{255})
	f.Fuzz(func(t *testing.T, b []byte) {
		plain, err := s.Open(b)
		if err != nil {
			return
		}
		// Anything that opens must be something Seal produced: only the
		// seed's "hello" (sealed in whichever process made the seed).
		if string(plain) != "hello" {
			t.Fatalf("forged value opened: %x", b)
		}
	})
}

func FuzzParseKey(f *testing.F) {
	f.Add(FormatKey("k1", key(1)))
	f.Add("k1:")
	f.Add("::")
	f.Fuzz(func(t *testing.T, s string) {
		id, k, err := ParseKey(s)
		if err != nil {
			return
		}
		if len(k) != KeySize {
			t.Fatalf("ParseKey(%q) returned a %d-byte key", s, len(k))
		}
		if _, err := NewSealer(map[string][]byte{id: k}, id); err != nil {
			t.Fatalf("parsed key %q is unusable: %v", id, err)
		}
	})
}
