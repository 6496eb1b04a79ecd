-- The lowest discount rate the operator allows each partner to grant, in ten-thousandths: for
-- one service type, or ('*') for every service type without a floor of its own. Without a
-- row the product's floor applies (0.5, half price).
CREATE TABLE discount_floors (
    partner_id   TEXT NOT NULL REFERENCES accounts (domain_id),
    service_type TEXT NOT NULL,
    min_rate_bp  BIGINT NOT NULL CHECK (min_rate_bp > 0 AND min_rate_bp <= 10000),
    set_by       TEXT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (partner_id, service_type)
);
