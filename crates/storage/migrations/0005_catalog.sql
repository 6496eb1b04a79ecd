-- Price-book versions and partner-granted customer discounts.
--
-- A price book is the whole catalog and its prices as one validated JSON document
-- (pricebook/*.json). Versions are effective-dated: the version in effect at an instant is the
-- one with the latest effective_from not after it, so loading a newer version never changes
-- what an earlier instant was priced at.

CREATE TABLE price_books (
    book_id        TEXT PRIMARY KEY,
    version        TEXT NOT NULL UNIQUE,
    effective_from BIGINT NOT NULL UNIQUE,
    body           TEXT NOT NULL,
    loaded_by      TEXT NOT NULL,
    loaded_at      BIGINT NOT NULL
);

-- A discount rate a partner grants one of its customers, in ten-thousandths
-- (8500 = pay 85 %), on the listed service types (comma-separated; empty = every service).
CREATE TABLE customer_discounts (
    discount_id   TEXT PRIMARY KEY,
    partner_id    TEXT NOT NULL REFERENCES accounts (domain_id),
    customer_id   TEXT NOT NULL REFERENCES accounts (domain_id),
    name          TEXT NOT NULL,
    rate_bp       BIGINT NOT NULL CHECK (rate_bp > 0 AND rate_bp < 10000),
    service_types TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    revoked_at    BIGINT
);
CREATE INDEX customer_discounts_customer ON customer_discounts (customer_id, created_at);
CREATE INDEX customer_discounts_partner ON customer_discounts (partner_id, created_at);
