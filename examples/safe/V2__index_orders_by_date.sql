-- Never wait more than 5 seconds for a lock: fail and retry instead of queueing traffic.
SET lock_timeout = '5s';

ALTER TABLE orders ADD COLUMN placed_at timestamptz;

-- Builds without blocking writes; runs outside a transaction block.
CREATE INDEX CONCURRENTLY orders_placed_at_idx ON orders (placed_at);
