-- Idempotency-Key (DESIGN §3): a POST retried with the same key gets its
-- first response again, and writes once. One row per (scope, key):
--
--   scope        who the key belongs to: 'key:<API key id>', or for keyless
--                callers (online booking) 'addr:<client address>'
--   fingerprint  SHA-256 (hex) of the method, the path and the canonical
--                body: the same key for another request is refused (422)
--   status...    the first response, stored right after the COMMIT of the
--                transaction that inserted the row with the write itself;
--                NULL in between
--
-- Rows live 24 hours: lookups ignore expired ones, a new request with the key
-- takes an expired row over, and the server deletes them in batches of 500
-- every 64 stored responses (src/http/idempotency.c), with this index.
CREATE TABLE idempotency_keys (
    scope text NOT NULL,
    idem_key text NOT NULL CHECK (length(idem_key) BETWEEN 1 AND 255),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    status int CHECK (status BETWEEN 100 AND 599),
    location text,
    etag text,
    content_type text,
    body text,
    PRIMARY KEY (scope, idem_key)
);

CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
