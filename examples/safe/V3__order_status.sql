SET lock_timeout = '5s';

-- A constant default is stored once in the catalog (PostgreSQL 11+): no rewrite. IF NOT EXISTS
-- lets the migration run again if the next statement fails.
ALTER TABLE orders ADD COLUMN IF NOT EXISTS status text NOT NULL DEFAULT 'pending';

-- Add the column without a default; the application fills public_id for new rows, and a
-- batched backfill (outside this migration) fills the old ones.
ALTER TABLE orders ADD COLUMN public_id uuid;
