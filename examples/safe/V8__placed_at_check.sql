-- SET NOT NULL without a full-table scan under ACCESS EXCLUSIVE (PostgreSQL 12+), step 1: add
-- CHECK (placed_at IS NOT NULL) NOT VALID. Flyway runs each migration in a transaction, so the
-- VALIDATE goes in the next migration: it must not run while this ADD's lock is held. The DROP
-- ... IF EXISTS lets the migration run again if it fails halfway.
SET lock_timeout = '5s';
ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_placed_at_not_null;
ALTER TABLE orders ADD CONSTRAINT orders_placed_at_not_null CHECK (placed_at IS NOT NULL) NOT VALID;
