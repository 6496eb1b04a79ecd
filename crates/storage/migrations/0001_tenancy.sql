-- Accounts of every kind, customer associations, partner members and their roles,
-- access keys and console logins. Written in the SQL subset shared by SQLite and PostgreSQL:
-- TEXT ids, BIGINT integers and epoch-millisecond instants, no backend-specific types.

CREATE TABLE accounts (
    domain_id              TEXT PRIMARY KEY,
    domain_name            TEXT NOT NULL,
    kind                   TEXT NOT NULL CHECK (kind IN ('operator', 'partner', 'customer')),
    partner_kind           TEXT CHECK (partner_kind IN ('distributor', 'reseller', 'solution_provider')),
    parent_id              TEXT REFERENCES accounts (domain_id),
    parent_associated_on   BIGINT,
    display_name           TEXT NOT NULL DEFAULT '',
    email                  TEXT,
    mobile                 TEXT,
    label                  TEXT,
    verified_status        BIGINT NOT NULL DEFAULT -1,
    customer_type          BIGINT NOT NULL DEFAULT -1,
    xaccount_type          TEXT,
    xaccount_id            TEXT,
    marketing_messages_off BIGINT NOT NULL DEFAULT 0,
    created_at             BIGINT NOT NULL,
    CHECK ((kind = 'partner' AND partner_kind IS NOT NULL) OR (kind <> 'partner' AND partner_kind IS NULL)),
    -- Only a tier-2 reseller has a parent, and it always has one.
    CHECK ((partner_kind = 'reseller' AND parent_id IS NOT NULL AND parent_associated_on IS NOT NULL)
           OR (partner_kind IS NULL AND parent_id IS NULL)
           OR (partner_kind <> 'reseller' AND parent_id IS NULL)),
    UNIQUE (xaccount_type, xaccount_id)
);
-- Login names are unique regardless of case.
CREATE UNIQUE INDEX accounts_domain_name_key ON accounts (lower(domain_name));
CREATE INDEX accounts_parent ON accounts (parent_id);
CREATE INDEX accounts_mobile ON accounts (mobile);
CREATE INDEX accounts_email ON accounts (lower(email));

-- A customer is associated with exactly one partner at a time: the primary key says so.
CREATE TABLE associations (
    customer_id      TEXT PRIMARY KEY REFERENCES accounts (domain_id),
    partner_id       TEXT NOT NULL REFERENCES accounts (domain_id),
    association_type BIGINT NOT NULL CHECK (association_type IN (1, 2)),
    associated_on    BIGINT NOT NULL
);
CREATE INDEX associations_partner ON associations (partner_id, associated_on);

CREATE TABLE members (
    member_id    TEXT PRIMARY KEY,
    partner_id   TEXT NOT NULL REFERENCES accounts (domain_id),
    login_name   TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    email        TEXT,
    mobile       TEXT,
    status       TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'unbound')),
    created_at   BIGINT NOT NULL
);
CREATE INDEX members_partner ON members (partner_id);

CREATE TABLE member_roles (
    member_id TEXT NOT NULL REFERENCES members (member_id),
    role      TEXT NOT NULL CHECK (role IN ('admin', 'customer_manager', 'finance', 'sales', 'project_specialist')),
    PRIMARY KEY (member_id, role)
);

CREATE TABLE customer_managers (
    customer_id TEXT NOT NULL REFERENCES accounts (domain_id),
    member_id   TEXT NOT NULL REFERENCES members (member_id),
    PRIMARY KEY (customer_id, member_id)
);
CREATE INDEX customer_managers_member ON customer_managers (member_id);

-- Secrets are sealed with the server key; the server must recover them to verify signatures.
CREATE TABLE access_keys (
    access_key_id TEXT PRIMARY KEY,
    domain_id     TEXT NOT NULL REFERENCES accounts (domain_id),
    member_id     TEXT REFERENCES members (member_id),
    secret_sealed TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at    BIGINT NOT NULL
);
CREATE INDEX access_keys_domain ON access_keys (domain_id);

CREATE TABLE console_logins (
    login         TEXT PRIMARY KEY,
    domain_id     TEXT NOT NULL REFERENCES accounts (domain_id),
    member_id     TEXT REFERENCES members (member_id),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);
