-- Signatures of signed Open API requests that changed something, so a captured request
-- cannot be applied twice within the signature window (on any node: the table is shared).
-- A row is written in the same transaction as the change it belongs to; `request_nonce`
-- tells the request's own later transactions from a replay. Rows whose `signed_at` (the
-- request's X-Sdk-Date) is older than the window are pruned: such a request is refused as
-- stale before it reaches storage.
CREATE TABLE seen_signatures (
    signature TEXT PRIMARY KEY,
    request_nonce TEXT NOT NULL,
    signed_at BIGINT NOT NULL,
    seen_at BIGINT NOT NULL
);
CREATE INDEX seen_signatures_signed_at ON seen_signatures (signed_at);
