package sqlstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/idgate/idgate"
)

// sealJSON marshals v and seals it.
func (s *Store) sealJSON(what string, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode %s: %w", what, err)
	}
	sealed, err := s.sealer.Seal(b)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: seal %s: %w", what, err)
	}
	return sealed, nil
}

// openJSON opens sealed and unmarshals it into v.
func (s *Store) openJSON(what string, sealed []byte, v any) error {
	b, err := s.sealer.Open(sealed)
	if err != nil {
		return fmt.Errorf("sqlstore: open %s: %w", what, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("sqlstore: decode %s: %w", what, err)
	}
	return nil
}

// sealRecord fills r.PhotoSHA256 and seals the record as uvarint(len(json)) ‖ json ‖ photo,
// the photo kept out of the JSON: as base64 inside JSON it would be a third
// larger and dominate the cost of every lookup's decode.
func (s *Store) sealRecord(what string, r *idgate.Record) ([]byte, error) {
	if len(r.Photo) > 0 && r.PhotoSHA256 == "" {
		sum := sha256.Sum256(r.Photo)
		r.PhotoSHA256 = hex.EncodeToString(sum[:]) // once here, not on every verification
	}
	photoless := *r
	photoless.Photo = nil
	js, err := json.Marshal(&photoless)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode %s: %w", what, err)
	}
	plain := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(js)+len(r.Photo)), uint64(len(js)))
	plain = append(append(plain, js...), r.Photo...)
	sealed, err := s.sealer.Seal(plain)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: seal %s: %w", what, err)
	}
	return sealed, nil
}

// openRecord opens what sealRecord sealed.
func (s *Store) openRecord(what string, sealed []byte) (*idgate.Record, error) {
	plain, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: open %s: %w", what, err)
	}
	n, w := binary.Uvarint(plain)
	if w <= 0 || n > uint64(len(plain)-w) {
		return nil, fmt.Errorf("sqlstore: decode %s: corrupt record framing", what)
	}
	js, photo := plain[w:w+int(n)], plain[w+int(n):]
	var r idgate.Record
	if err := json.Unmarshal(js, &r); err != nil {
		return nil, fmt.Errorf("sqlstore: decode %s: %w", what, err)
	}
	if len(photo) > 0 {
		r.Photo = photo
	}
	return &r, nil
}
