package sqlstore

import (
	"bytes"
	"testing"

	"github.com/idgate/idgate"
	"github.com/idgate/idgate/internal/pii"
)

func sealerStore(t *testing.T) *Store {
	t.Helper()
	sealer, err := pii.NewSealer(map[string][]byte{"k1": bytes.Repeat([]byte{7}, pii.KeySize)}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	return &Store{sealer: sealer}
}

func TestSealRecordKeepsPhotoOutOfJSON(t *testing.T) {
	s := sealerStore(t)
	photo := bytes.Repeat([]byte{0xFF, 0xD8, 0x00, '"'}, 1000)
	for _, r := range []*idgate.Record{
		{Country: "ZA", IDType: "national-id", Number: "8001014800080", LastName: "Doe", Photo: photo},
		{Country: "ZA", IDType: "national-id", Number: "8001014800080", LastName: "Doe"},
	} {
		sealed, err := s.sealRecord("record", r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.openRecord("record", sealed)
		if err != nil {
			t.Fatal(err)
		}
		if got.LastName != "Doe" || !bytes.Equal(got.Photo, r.Photo) {
			t.Fatalf("round trip: %+v", got)
		}
		if r.Photo != nil && len(sealed) > len(photo)+len(photo)/4 {
			t.Fatalf("sealed record is %d bytes for a %d-byte photo: photo is inside the JSON", len(sealed), len(photo))
		}
	}
}

func TestOpenRecordRefusesCorruptFraming(t *testing.T) {
	s := sealerStore(t)
	for _, plain := range [][]byte{{}, {0xFF}, {10, '{', '}'}} {
		sealed, err := s.sealer.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.openRecord("record", sealed); err == nil {
			t.Fatalf("framing %v accepted", plain)
		}
	}
}
