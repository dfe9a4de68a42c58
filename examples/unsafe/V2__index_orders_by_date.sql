-- Months later: orders has 40 million rows.
ALTER TABLE orders ADD COLUMN placed_at timestamptz;

-- Blocks every INSERT/UPDATE/DELETE on orders until the index is built.
CREATE INDEX orders_placed_at_idx ON orders (placed_at);
