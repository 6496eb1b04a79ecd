-- Cash accounts, the transfer journal and its entries. Amounts are integer fen (1/100 yuan).

CREATE TABLE fund_accounts (
    account_id   TEXT PRIMARY KEY,
    owner_id     TEXT NOT NULL REFERENCES accounts (domain_id),
    account_type BIGINT NOT NULL CHECK (account_type = 1),
    currency     TEXT NOT NULL,
    -- The database itself refuses a negative balance, whatever the code does.
    balance_fen  BIGINT NOT NULL DEFAULT 0 CHECK (balance_fen >= 0),
    -- Bumped by every entry; (account_id, version) orders an account's entries.
    version      BIGINT NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL,
    UNIQUE (owner_id, account_type, currency)
);

-- One row per money movement. A top-up has no source account (money enters from outside);
-- every other transfer moves money between two accounts. The idempotency key lives on the
-- transfer it produced, so the key and the movement commit or vanish together.
CREATE TABLE fund_transfers (
    transfer_id     TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('RECHARGE', 'BEADJUST', 'BERETRIEVE')),
    actor_id        TEXT NOT NULL REFERENCES accounts (domain_id),
    counterparty_id TEXT NOT NULL REFERENCES accounts (domain_id),
    from_account    TEXT REFERENCES fund_accounts (account_id),
    to_account      TEXT NOT NULL REFERENCES fund_accounts (account_id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    currency        TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    idem_scope      TEXT,
    idem_key        TEXT,
    request_hash    TEXT,
    CHECK ((kind = 'RECHARGE' AND from_account IS NULL) OR (kind <> 'RECHARGE' AND from_account IS NOT NULL)),
    CHECK (from_account IS NULL OR from_account <> to_account),
    UNIQUE (idem_scope, idem_key)
);
CREATE INDEX fund_transfers_actor ON fund_transfers (actor_id, created_at);

CREATE TABLE journal_entries (
    entry_id          TEXT PRIMARY KEY,
    transfer_id       TEXT NOT NULL REFERENCES fund_transfers (transfer_id),
    account_id        TEXT NOT NULL REFERENCES fund_accounts (account_id),
    delta_fen         BIGINT NOT NULL CHECK (delta_fen <> 0),
    balance_after_fen BIGINT NOT NULL CHECK (balance_after_fen >= 0),
    account_version   BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (account_id, account_version)
);
CREATE INDEX journal_entries_transfer ON journal_entries (transfer_id);
