-- Transfer kinds become rows instead of a CHECK list: the journal refers to `transfer_kinds`,
-- which `Db::migrate` fills from the domain's `TransferKind::ALL`, so a new kind needs no
-- schema change. Which accounts and order a transfer of each kind names is checked by the
-- posting function (`ledger::post`); the top-up, the one kind without a source account,
-- keeps its CHECK. SQLite cannot drop a CHECK, so the journal tables are rebuilt one last
-- time: new tables, copy, drop the old (entries first), rename.
CREATE TABLE transfer_kinds (
    kind TEXT PRIMARY KEY
);
INSERT INTO transfer_kinds (kind) VALUES ('RECHARGE'), ('BEADJUST'), ('BERETRIEVE'), ('DEDEUCT'), ('REFUND');

CREATE TABLE fund_transfers_v3 (
    transfer_id     TEXT PRIMARY KEY,
    kind            TEXT NOT NULL REFERENCES transfer_kinds (kind),
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
    order_id        TEXT,
    CHECK ((kind = 'RECHARGE' AND from_account IS NULL) OR (kind <> 'RECHARGE' AND from_account IS NOT NULL)),
    CHECK (from_account IS NULL OR from_account <> to_account),
    UNIQUE (idem_scope, idem_key)
);
INSERT INTO fund_transfers_v3 (transfer_id, kind, actor_id, counterparty_id, from_account, to_account, amount_fen, currency, created_at,
                               idem_scope, idem_key, request_hash, order_id)
SELECT transfer_id, kind, actor_id, counterparty_id, from_account, to_account, amount_fen, currency, created_at,
       idem_scope, idem_key, request_hash, order_id
FROM fund_transfers;

CREATE TABLE journal_entries_v3 (
    entry_id          TEXT PRIMARY KEY,
    transfer_id       TEXT NOT NULL REFERENCES fund_transfers_v3 (transfer_id),
    account_id        TEXT NOT NULL REFERENCES fund_accounts (account_id),
    delta_fen         BIGINT NOT NULL CHECK (delta_fen <> 0),
    balance_after_fen BIGINT NOT NULL CHECK (balance_after_fen >= 0),
    account_version   BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (account_id, account_version)
);
INSERT INTO journal_entries_v3 (entry_id, transfer_id, account_id, delta_fen, balance_after_fen, account_version, created_at)
SELECT entry_id, transfer_id, account_id, delta_fen, balance_after_fen, account_version, created_at FROM journal_entries;

DROP TABLE journal_entries;
DROP TABLE fund_transfers;
ALTER TABLE fund_transfers_v3 RENAME TO fund_transfers;
ALTER TABLE journal_entries_v3 RENAME TO journal_entries;
CREATE INDEX fund_transfers_actor ON fund_transfers (actor_id, created_at);
CREATE INDEX fund_transfers_order ON fund_transfers (order_id);
CREATE INDEX journal_entries_transfer ON journal_entries (transfer_id);
