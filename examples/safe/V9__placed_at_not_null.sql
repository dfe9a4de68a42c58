-- Step 2, in its own migration (its own transaction): VALIDATE reads the rows under SHARE UPDATE
-- EXCLUSIVE (reads and writes continue); the validated CHECK then lets SET NOT NULL skip its scan,
-- and the CHECK is no longer needed.
SET lock_timeout = '5s';
ALTER TABLE orders VALIDATE CONSTRAINT orders_placed_at_not_null;
ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;
ALTER TABLE orders DROP CONSTRAINT orders_placed_at_not_null;
