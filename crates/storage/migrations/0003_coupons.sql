-- Coupon quotas (granted by the operator, or issued by a tier-1 to a tier-2 as sub-quotas),
-- the coupons partners issue from them, and the records of both. Amounts in fen.
--
-- Conservation, for every quota:
--   value = balance + Σ(coupon face − reclaimed) + Σ(child value − child returned) + returned
-- where "reclaimed" is what went back to the quota from a coupon (manual or expiry reclaim)
-- and "returned" is what a reclaimed sub-quota gave back to its parent.

CREATE TABLE coupon_quotas (
    quota_id        TEXT PRIMARY KEY,
    owner_id        TEXT NOT NULL REFERENCES accounts (domain_id),
    parent_quota_id TEXT REFERENCES coupon_quotas (quota_id),
    granted_by      TEXT NOT NULL REFERENCES accounts (domain_id),
    quota_type      BIGINT NOT NULL CHECK (quota_type IN (0, 1)),
    value_fen       BIGINT NOT NULL CHECK (value_fen > 0),
    balance_fen     BIGINT NOT NULL CHECK (balance_fen >= 0),
    returned_fen    BIGINT NOT NULL DEFAULT 0 CHECK (returned_fen >= 0),
    -- 0 normal, 3 invalid, 4 being adjusted, 5 frozen, 6 reclaimed. Expiry is by time.
    status          BIGINT NOT NULL CHECK (status IN (0, 3, 4, 5, 6)),
    effective_at    BIGINT NOT NULL,
    expire_at       BIGINT NOT NULL,
    limits          TEXT,
    remark          TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    CHECK (expire_at > effective_at),
    CHECK (balance_fen + returned_fen <= value_fen)
);
CREATE INDEX coupon_quotas_owner ON coupon_quotas (owner_id, created_at);
CREATE INDEX coupon_quotas_parent ON coupon_quotas (parent_quota_id);

CREATE TABLE coupons (
    coupon_id      TEXT PRIMARY KEY,
    quota_id       TEXT NOT NULL REFERENCES coupon_quotas (quota_id),
    issuer_id      TEXT NOT NULL REFERENCES accounts (domain_id),
    customer_id    TEXT NOT NULL REFERENCES accounts (domain_id),
    coupon_type    BIGINT NOT NULL CHECK (coupon_type IN (1, 4)),
    face_value_fen BIGINT NOT NULL CHECK (face_value_fen > 0),
    balance_fen    BIGINT NOT NULL CHECK (balance_fen >= 0),
    reclaimed_fen  BIGINT NOT NULL DEFAULT 0 CHECK (reclaimed_fen >= 0),
    -- 2 usable, 3 used up, 4 expired (recorded by the sweep), 5 reclaimed.
    status         BIGINT NOT NULL CHECK (status IN (2, 3, 4, 5)),
    effective_at   BIGINT NOT NULL,
    expire_at      BIGINT NOT NULL,
    limits         TEXT,
    memo           TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (balance_fen + reclaimed_fen <= face_value_fen),
    CHECK (expire_at > effective_at)
);
CREATE INDEX coupons_issuer ON coupons (issuer_id, created_at);
CREATE INDEX coupons_customer ON coupons (customer_id, created_at);
CREATE INDEX coupons_quota ON coupons (quota_id);

-- Quota issue (10) and reclaim (11) between a tier-1 and its tier-2s.
CREATE TABLE quota_records (
    record_id       TEXT PRIMARY KEY,
    kind            BIGINT NOT NULL CHECK (kind IN (10, 11)),
    actor_id        TEXT NOT NULL REFERENCES accounts (domain_id),
    reseller_id     TEXT NOT NULL REFERENCES accounts (domain_id),
    quota_id        TEXT NOT NULL REFERENCES coupon_quotas (quota_id),
    parent_quota_id TEXT NOT NULL REFERENCES coupon_quotas (quota_id),
    amount_fen      BIGINT NOT NULL CHECK (amount_fen >= 0),
    remark          TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX quota_records_actor ON quota_records (actor_id, created_at);

-- Coupon issue (1), manual reclaim (2), unbinding reclaim (3), expiry reclaim (4), and
-- spending by the customer (0, never shown as a partner record).
CREATE TABLE coupon_records (
    record_id     TEXT PRIMARY KEY,
    kind          BIGINT NOT NULL CHECK (kind IN (0, 1, 2, 3, 4)),
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
CREATE INDEX coupon_records_issuer ON coupon_records (issuer_id, created_at);
CREATE INDEX coupon_records_customer ON coupon_records (customer_id, created_at);
