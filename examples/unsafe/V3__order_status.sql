-- Fails on a non-empty table: existing rows have no value for status.
ALTER TABLE orders ADD COLUMN status text NOT NULL;

-- A volatile default is evaluated per row: the whole table is rewritten under ACCESS EXCLUSIVE.
ALTER TABLE orders ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
