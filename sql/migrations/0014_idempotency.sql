-- Idempotency-Key (DESIGN §3): a POST retried with the same key gets its
-- first response again, and writes once. One row per (scope, key):
--
--   scope        who the key belongs to: 'key:<API key id>', or for keyless
--                callers (online booking) 'addr:<client address>'
--   key_hash     SHA-256 (hex) of the key: the key itself is stored nowhere
--   fingerprint  SHA-256 (hex) of the method, the path and the canonical
--                body: the same key for another request is refused (422)
--   status...    the first response, stored right after the COMMIT of the
--                transaction that inserted the row with the write itself;
--                NULL in between. body is sealed (AES-256-GCM, hex) under a key
--                derived from the Idempotency-Key and the scope: what a
--                response held (personal data, a booking's cancellation token)
--                is readable by the client that holds the key, not by readers
--                of this table
--
-- Rows live 24 hours: lookups ignore expired ones, a new request with the key
-- takes an expired row over, and the server deletes them in batches of 500
-- every 64 stored responses (src/http/idempotency.c), with this index.
CREATE TABLE idempotency_keys (
    scope text NOT NULL,
    key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    status int CHECK (status BETWEEN 100 AND 599),
    location text,
    etag text,
    content_type text,
    body text,
    PRIMARY KEY (scope, key_hash)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
