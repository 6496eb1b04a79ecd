-- Sized products (disks) keep their size: the order line records the size bought (or changed
-- to), and the resource the size it runs at, so renewals, renewal inquiries and changes of
-- spec can price it. NULL for products without a size, and for rows written before sizes
-- were kept (their size is unknown).
ALTER TABLE order_lines ADD COLUMN resource_size BIGINT;
ALTER TABLE order_lines ADD COLUMN size_measure_id BIGINT;
ALTER TABLE resources ADD COLUMN resource_size BIGINT;
ALTER TABLE resources ADD COLUMN size_measure_id BIGINT;
