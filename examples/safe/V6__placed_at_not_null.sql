-- SET NOT NULL without a full-table scan under ACCESS EXCLUSIVE (PostgreSQL 12+): a validated
-- CHECK (col IS NOT NULL) lets PostgreSQL skip the scan. There is no BEGIN here, so each
-- statement commits on its own and VALIDATE does not run under the ADD's lock. The first DROP
-- ... IF EXISTS lets the migration run again if a later step fails.
SET lock_timeout = '5s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_placed_at_not_null;
ALTER TABLE orders ADD CONSTRAINT orders_placed_at_not_null CHECK (placed_at IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_placed_at_not_null;
ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_placed_at_not_null;
