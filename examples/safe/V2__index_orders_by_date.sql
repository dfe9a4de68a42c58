-- Never wait more than 5 seconds for a lock: fail and retry instead of queueing traffic.
SET lock_timeout = '5s';

-- IF NOT EXISTS: if the index build below fails, the migration can run again from the top.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS placed_at timestamptz;

-- Builds without blocking writes; runs outside a transaction block.
CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);
