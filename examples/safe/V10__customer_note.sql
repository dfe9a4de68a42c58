-- Expand step of renaming note -> customer_note: add the new column; the application writes
-- both, a backfill copies old rows, and a later migration drops "note" once nothing reads it.
-- The length limit is a CHECK, added NOT VALID (validated in a later migration, as in V5).
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN IF NOT EXISTS customer_note text;
ALTER TABLE orders ADD CONSTRAINT orders_customer_note_length CHECK (char_length(customer_note) <= 200) NOT VALID;
