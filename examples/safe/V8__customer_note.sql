-- Expand step of renaming note -> customer_note: add the new column; the application writes
-- both, a backfill copies old rows, and a later migration drops "note" once nothing reads it.
SET lock_timeout = '5s';
ALTER TABLE orders ADD COLUMN customer_note varchar(200);
