-- The column alone, committed at once; the backfill in batches of its own, each committed; the
-- index built concurrently. No lock is held for longer than a moment. IF NOT EXISTS: if a later
-- step fails, the migration can run again from the top.
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS priority int;

UPDATE orders SET priority = 0 WHERE id BETWEEN 1 AND 10000;
UPDATE orders SET priority = 0 WHERE id BETWEEN 10001 AND 20000;

CREATE INDEX CONCURRENTLY orders_priority_idx ON orders (priority);
