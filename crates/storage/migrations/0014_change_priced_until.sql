-- A change-of-spec line records the instant up to which it was priced (the resource's paid
-- time at the order), so the audit can prove every paid term of a resource is paid at its
-- current spec. NULL on other lines, and on change lines written before it was recorded.
ALTER TABLE order_lines ADD COLUMN priced_until BIGINT;
