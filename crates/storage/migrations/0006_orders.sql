-- Orders, their lines and how they were paid, resources, refunds, order authorizations,
-- renewal settings, scheduler leases and the sandbox clock. Amounts in fen, instants in
-- epoch milliseconds.

-- The platform's revenue account: paying an order moves the customer's cash here, a refund
-- moves it back, so the journal keeps balancing (sum of balances = sum of top-ups). The
-- login name starts with op_, which no customer or partner may take.
INSERT INTO accounts (domain_id, domain_name, kind, display_name, created_at)
VALUES ('00000000000000000000000000000000', 'op_platform_revenue', 'operator', 'Platform revenue', 0);
INSERT INTO fund_accounts (account_id, owner_id, account_type, currency, balance_fen, version, created_at)
VALUES ('00000000000000000000000000000000-1-CNY', '00000000000000000000000000000000', 1, 'CNY', 0, 0, 0);

-- Transfers gain the order kinds (DEDEUCT: paying an order, REFUND: an unsubscription
-- refund) and the order they belong to. A CHECK cannot be altered in SQLite, so the journal
-- tables are rebuilt: new tables, copy, drop the old (entries first), rename. Renaming keeps
-- the references right on both backends.
CREATE TABLE fund_transfers_v2 (
    transfer_id     TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('RECHARGE', 'BEADJUST', 'BERETRIEVE', 'DEDEUCT', 'REFUND')),
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
    CHECK ((kind IN ('DEDEUCT', 'REFUND')) = (order_id IS NOT NULL)),
    UNIQUE (idem_scope, idem_key)
);
INSERT INTO fund_transfers_v2 (transfer_id, kind, actor_id, counterparty_id, from_account, to_account, amount_fen, currency, created_at,
                               idem_scope, idem_key, request_hash)
SELECT transfer_id, kind, actor_id, counterparty_id, from_account, to_account, amount_fen, currency, created_at,
       idem_scope, idem_key, request_hash
FROM fund_transfers;

CREATE TABLE journal_entries_v2 (
    entry_id          TEXT PRIMARY KEY,
    transfer_id       TEXT NOT NULL REFERENCES fund_transfers_v2 (transfer_id),
    account_id        TEXT NOT NULL REFERENCES fund_accounts (account_id),
    delta_fen         BIGINT NOT NULL CHECK (delta_fen <> 0),
    balance_after_fen BIGINT NOT NULL CHECK (balance_after_fen >= 0),
    account_version   BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    UNIQUE (account_id, account_version)
);
INSERT INTO journal_entries_v2 (entry_id, transfer_id, account_id, delta_fen, balance_after_fen, account_version, created_at)
SELECT entry_id, transfer_id, account_id, delta_fen, balance_after_fen, account_version, created_at FROM journal_entries;

DROP TABLE journal_entries;
DROP TABLE fund_transfers;
ALTER TABLE fund_transfers_v2 RENAME TO fund_transfers;
ALTER TABLE journal_entries_v2 RENAME TO journal_entries;
CREATE INDEX fund_transfers_actor ON fund_transfers (actor_id, created_at);
CREATE INDEX fund_transfers_order ON fund_transfers (order_id);
CREATE INDEX journal_entries_transfer ON journal_entries (transfer_id);

-- Coupon records gain kind 5: the coupon part of an unsubscription refund going back to the
-- coupon. Rebuilt for the same reason; nothing references this table.
CREATE TABLE coupon_records_v2 (
    record_id     TEXT PRIMARY KEY,
    kind          BIGINT NOT NULL CHECK (kind IN (0, 1, 2, 3, 4, 5)),
    issuer_id     TEXT NOT NULL REFERENCES accounts (domain_id),
    customer_id   TEXT NOT NULL REFERENCES accounts (domain_id),
    coupon_id     TEXT NOT NULL REFERENCES coupons (coupon_id),
    quota_id      TEXT NOT NULL REFERENCES coupon_quotas (quota_id),
    quota_type    BIGINT NOT NULL,
    amount_fen    BIGINT NOT NULL CHECK (amount_fen >= 0),
    balance_after BIGINT NOT NULL CHECK (balance_after >= 0),
    trade_id      TEXT,
    remark        TEXT,
    created_at    BIGINT NOT NULL
);
INSERT INTO coupon_records_v2 (record_id, kind, issuer_id, customer_id, coupon_id, quota_id, quota_type, amount_fen, balance_after, trade_id,
                               remark, created_at)
SELECT record_id, kind, issuer_id, customer_id, coupon_id, quota_id, quota_type, amount_fen, balance_after, trade_id, remark, created_at
FROM coupon_records;
DROP TABLE coupon_records;
ALTER TABLE coupon_records_v2 RENAME TO coupon_records;
CREATE INDEX coupon_records_issuer ON coupon_records (issuer_id, created_at);
CREATE INDEX coupon_records_customer ON coupon_records (customer_id, created_at);

CREATE TABLE orders (
    order_id          TEXT PRIMARY KEY,
    customer_id       TEXT NOT NULL REFERENCES accounts (domain_id),
    -- The customer's partner when the order was placed: partner views list by it.
    partner_id        TEXT REFERENCES accounts (domain_id),
    -- Login name of whoever placed it (user_name); the system for automatic renewals.
    placed_by         TEXT NOT NULL,
    -- 1 customer, 2 partner on the customer's behalf, 8 the system.
    source_type       BIGINT NOT NULL CHECK (source_type IN (1, 2, 8)),
    -- 1 new purchase, 2 renewal, 3 change of spec, 4 unsubscription, 10 to on-demand.
    order_type        BIGINT NOT NULL CHECK (order_type IN (1, 2, 3, 4, 10)),
    -- 1 pending review, 3 processing, 4 cancelled, 5 completed, 6 pending payment.
    status            BIGINT NOT NULL CHECK (status IN (1, 3, 4, 5, 6)),
    service_type_code TEXT NOT NULL,
    official_fen      BIGINT NOT NULL CHECK (official_fen >= 0),
    -- The discount offered with the order (used only when the payment chooses it).
    discount_id       TEXT,
    discount_fen      BIGINT NOT NULL DEFAULT 0 CHECK (discount_fen >= 0),
    paid_cash_fen     BIGINT NOT NULL DEFAULT 0 CHECK (paid_cash_fen >= 0),
    paid_coupon_fen   BIGINT NOT NULL DEFAULT 0 CHECK (paid_coupon_fen >= 0),
    used_discount_fen BIGINT NOT NULL DEFAULT 0 CHECK (used_discount_fen >= 0),
    created_at        BIGINT NOT NULL,
    payment_deadline  BIGINT,
    paid_at           BIGINT,
    closed_at         BIGINT,
    idem_scope        TEXT,
    idem_key          TEXT,
    request_hash      TEXT,
    -- The idempotency key of the payment that completed the order: a retry answers success.
    pay_key           TEXT,
    CHECK (discount_fen <= official_fen),
    CHECK (paid_cash_fen + paid_coupon_fen + used_discount_fen <= official_fen),
    UNIQUE (idem_scope, idem_key)
);
CREATE INDEX orders_customer ON orders (customer_id, created_at);
CREATE INDEX orders_partner ON orders (partner_id, created_at);
CREATE INDEX orders_due ON orders (status, payment_deadline);

CREATE TABLE order_lines (
    line_id            TEXT PRIMARY KEY,
    order_id           TEXT NOT NULL REFERENCES orders (order_id),
    line_no            BIGINT NOT NULL,
    -- The resource renewed, changed or refunded; for a new purchase the resource the
    -- payment created.
    resource_id        TEXT,
    cloud_service_type TEXT NOT NULL,
    resource_type      TEXT NOT NULL,
    resource_spec      TEXT NOT NULL,
    region             TEXT NOT NULL,
    product_id         TEXT NOT NULL,
    -- 2 month, 3 year; NULL for on-demand.
    period_type        BIGINT CHECK (period_type IN (2, 3)),
    period_num         BIGINT,
    subscription_num   BIGINT NOT NULL DEFAULT 1 CHECK (subscription_num >= 1),
    official_fen       BIGINT NOT NULL CHECK (official_fen >= 0),
    -- After the order's discount.
    amount_fen         BIGINT NOT NULL CHECK (amount_fen >= 0),
    -- The term this line paid for, set by the payment.
    term_start         BIGINT,
    term_end           BIGINT,
    paid_cash_fen      BIGINT NOT NULL DEFAULT 0 CHECK (paid_cash_fen >= 0),
    refunded           BIGINT NOT NULL DEFAULT 0 CHECK (refunded IN (0, 1)),
    CHECK (amount_fen <= official_fen),
    UNIQUE (order_id, line_no)
);
CREATE INDEX order_lines_resource ON order_lines (resource_id);

-- Which coupons paid which line, and how much.
CREATE TABLE order_coupon_uses (
    order_id   TEXT NOT NULL REFERENCES orders (order_id),
    line_id    TEXT NOT NULL REFERENCES order_lines (line_id),
    coupon_id  TEXT NOT NULL REFERENCES coupons (coupon_id),
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    PRIMARY KEY (line_id, coupon_id)
);
CREATE INDEX order_coupon_uses_order ON order_coupon_uses (order_id);

CREATE TABLE resources (
    resource_id        TEXT PRIMARY KEY,
    customer_id        TEXT NOT NULL REFERENCES accounts (domain_id),
    order_id           TEXT NOT NULL REFERENCES orders (order_id),
    cloud_service_type TEXT NOT NULL,
    resource_type      TEXT NOT NULL,
    resource_spec      TEXT NOT NULL,
    region             TEXT NOT NULL,
    product_id         TEXT NOT NULL,
    -- 1 yearly/monthly, 3 on-demand.
    charge_mode        BIGINT NOT NULL CHECK (charge_mode IN (1, 3)),
    period_type        BIGINT,
    effective_at       BIGINT NOT NULL,
    expire_at          BIGINT,
    -- Becomes on-demand at expiry instead of expiring (order type 10 in progress).
    to_on_demand       BIGINT NOT NULL DEFAULT 0 CHECK (to_on_demand IN (0, 1)),
    -- Unsubscribed or deleted after retention.
    closed_at          BIGINT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    CHECK ((charge_mode = 1) = (expire_at IS NOT NULL))
);
CREATE INDEX resources_customer ON resources (customer_id, created_at);
CREATE INDEX resources_expiry ON resources (closed_at, expire_at);

-- Each part of a refund: cash (coupon_id NULL) or back to a coupon.
CREATE TABLE refund_items (
    refund_order_id TEXT NOT NULL REFERENCES orders (order_id),
    line_id         TEXT NOT NULL REFERENCES order_lines (line_id),
    resource_id     TEXT NOT NULL REFERENCES resources (resource_id),
    coupon_id       TEXT REFERENCES coupons (coupon_id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen > 0),
    created_at      BIGINT NOT NULL
);
CREATE INDEX refund_items_order ON refund_items (refund_order_id);

-- A customer's authorization for its partner to place orders on its behalf.
CREATE TABLE order_authorizations (
    customer_id TEXT PRIMARY KEY REFERENCES accounts (domain_id),
    partner_id  TEXT NOT NULL REFERENCES accounts (domain_id),
    granted_at  BIGINT NOT NULL
);

-- Auto-renewal of one resource: period 2 month / 3 year, renewals left (NULL: unlimited).
CREATE TABLE renew_configs (
    resource_id TEXT PRIMARY KEY REFERENCES resources (resource_id),
    auto_renew  BIGINT NOT NULL CHECK (auto_renew IN (0, 1)),
    period_type BIGINT NOT NULL CHECK (period_type IN (2, 3)),
    times_left  BIGINT CHECK (times_left IS NULL OR times_left >= 0),
    updated_at  BIGINT NOT NULL
);

-- A customer's renewal settings: auto-renew this many days before expiry (2-7), and the
-- day of month renewals align to (1-28, or 31 for the last day).
CREATE TABLE customer_renew_settings (
    customer_id    TEXT PRIMARY KEY REFERENCES accounts (domain_id),
    deduction_days BIGINT CHECK (deduction_days BETWEEN 2 AND 7),
    expire_day     BIGINT CHECK (expire_day BETWEEN 1 AND 31),
    updated_at     BIGINT NOT NULL
);

-- One runner per scheduler job across nodes: a lease taken by compare-and-set.
CREATE TABLE job_leases (
    job        TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- The clock: wall clock plus an offset an operator may advance, only in a sandbox database.
CREATE TABLE clock_settings (
    id        BIGINT PRIMARY KEY CHECK (id = 1),
    sandbox   BIGINT NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1)),
    offset_ms BIGINT NOT NULL DEFAULT 0 CHECK (offset_ms >= 0)
);
INSERT INTO clock_settings (id, sandbox, offset_ms) VALUES (1, 0, 0);
