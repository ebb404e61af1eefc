-- Registry photos move out of the sealed record into their own column, so
-- that a lookup that does not need the photo (most of them) never reads or
-- decrypts it. Sealed separately with the same key.
ALTER TABLE registry_records ADD COLUMN photo BLOB;
