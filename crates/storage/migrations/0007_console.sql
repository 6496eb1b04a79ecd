-- The web console: sessions, sign-in attempts (lockout), the audit of revealed sensitive
-- fields, and export tasks with their CSV output.

-- Only a hash of the session token is stored, so a copy of the table opens no session.
CREATE TABLE console_sessions (
    token_hash  TEXT PRIMARY KEY,
    login       TEXT NOT NULL,
    domain_id   TEXT NOT NULL REFERENCES accounts (domain_id),
    member_id   TEXT REFERENCES members (member_id),
    csrf_token  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

CREATE TABLE console_login_attempts (
    login        TEXT NOT NULL,
    succeeded    BIGINT NOT NULL CHECK (succeeded IN (0, 1)),
    attempted_at BIGINT NOT NULL
);
CREATE INDEX console_login_attempts_login ON console_login_attempts (login, attempted_at);

CREATE TABLE console_reveals (
    reveal_id    TEXT PRIMARY KEY,
    partner_id   TEXT NOT NULL REFERENCES accounts (domain_id),
    actor_login  TEXT NOT NULL,
    customer_id  TEXT NOT NULL REFERENCES accounts (domain_id),
    field        TEXT NOT NULL CHECK (field IN ('name', 'mobile', 'email')),
    revealed_at  BIGINT NOT NULL
);
CREATE INDEX console_reveals_partner ON console_reveals (partner_id, revealed_at);

CREATE TABLE console_exports (
    export_id    TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES accounts (domain_id),
    requested_by TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('customers', 'fund_records')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
    row_count    BIGINT NOT NULL DEFAULT 0,
    content      TEXT,
    created_at   BIGINT NOT NULL,
    finished_at  BIGINT
);
CREATE INDEX console_exports_owner ON console_exports (owner_id, created_at);
