package sqlstore

import (
	"encoding/json"
	"fmt"
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
