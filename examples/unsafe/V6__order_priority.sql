-- One transaction for the new column, its backfill and its index: the ALTER's ACCESS EXCLUSIVE
-- on orders is held until COMMIT, through the whole UPDATE and the whole index build.
BEGIN;
ALTER TABLE orders ADD COLUMN priority int;
UPDATE orders SET priority = 0;
CREATE INDEX orders_priority_idx ON orders (priority);
COMMIT;
