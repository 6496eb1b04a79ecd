-- The operator's limits on on-demand purchases: instances per order and per customer. The row
-- '*' applies to every customer without a row of its own; without any row the product's
-- defaults apply (100 per order, 1,000 per customer).
CREATE TABLE on_demand_limits (
    customer_id  TEXT PRIMARY KEY,
    per_order    BIGINT NOT NULL CHECK (per_order >= 1),
    per_customer BIGINT NOT NULL CHECK (per_customer >= per_order),
    set_by       TEXT NOT NULL,
    updated_at   BIGINT NOT NULL
);
