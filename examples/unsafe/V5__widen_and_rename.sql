-- integer -> bigint rewrites 40 million rows and every index under ACCESS EXCLUSIVE.
ALTER TABLE orders ALTER COLUMN total_cents TYPE bigint;

-- The running application still selects "note": every such query fails after this commits.
ALTER TABLE orders RENAME COLUMN note TO customer_note;

-- Reads every row under ACCESS EXCLUSIVE to prove there are no NULLs.
ALTER TABLE orders ALTER COLUMN placed_at SET NOT NULL;
