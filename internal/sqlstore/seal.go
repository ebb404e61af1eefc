package sqlstore

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/idgate/idgate"
)

// rowContext names the row a sealed value belongs to: its table and key,
// each length-prefixed. Values are sealed bound to it (pii.SealWith), so a
// sealed column copied into another row, or a row moved to another tenant,
// no longer opens.
func rowContext(table string, key ...[]byte) []byte {
	b := binary.AppendUvarint(nil, uint64(len(table)))
	b = append(b, table...)
	for _, k := range key {
		b = binary.AppendUvarint(b, uint64(len(k)))
		b = append(b, k...)
	}
	return b
}

// sealJSON marshals v and seals it.
func (s *Store) sealJSON(what string, v any) ([]byte, error) { return s.sealJSONFor(what, v, nil) }

// sealJSONFor marshals v and seals it bound to a row context.
func (s *Store) sealJSONFor(what string, v any, row []byte) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode %s: %w", what, err)
	}
	sealed, err := s.sealer.SealWith(b, row)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: seal %s: %w", what, err)
	}
	return sealed, nil
}

// openJSON opens sealed and unmarshals it into v.
func (s *Store) openJSON(what string, sealed []byte, v any) error {
	return s.openJSONFor(what, sealed, v, nil)
}

// openJSONFor opens a value sealed for row and unmarshals it into v.
func (s *Store) openJSONFor(what string, sealed []byte, v any, row []byte) error {
	b, err := s.sealer.OpenWith(sealed, row)
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
	return s.sealRecordFor(what, r, nil)
}

// sealRecordFor is sealRecord bound to a row context.
func (s *Store) sealRecordFor(what string, r *idgate.Record, row []byte) ([]byte, error) {
	r.PhotoSHA256 = photoHash(r)
	photoless := *r
	photoless.Photo = nil
	js, err := json.Marshal(&photoless)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: encode %s: %w", what, err)
	}
	plain := binary.AppendUvarint(make([]byte, 0, binary.MaxVarintLen64+len(js)+len(r.Photo)), uint64(len(js)))
	plain = append(append(plain, js...), r.Photo...)
	sealed, err := s.sealer.SealWith(plain, row)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: seal %s: %w", what, err)
	}
	return sealed, nil
}

// openRecord opens what sealRecord sealed.
func (s *Store) openRecord(what string, sealed []byte) (*idgate.Record, error) {
	return s.openRecordFor(what, sealed, nil)
}

// openRecordFor opens what sealRecordFor sealed for row.
func (s *Store) openRecordFor(what string, sealed []byte, row []byte) (*idgate.Record, error) {
	plain, err := s.sealer.OpenWith(sealed, row)
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

// photoHash returns the record's photo hash, computing it once when the
// record is stored rather than on every verification.
func photoHash(r *idgate.Record) string {
	if r.PhotoSHA256 != "" || len(r.Photo) == 0 {
		return r.PhotoSHA256
	}
	sum := sha256.Sum256(r.Photo)
	r.PhotoSHA256 = hex.EncodeToString(sum[:])
	return r.PhotoSHA256
}
