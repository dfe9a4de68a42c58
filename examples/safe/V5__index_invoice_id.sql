-- The foreign key added next needs an index on its referencing column: without one, every
-- DELETE from invoices scans orders. Built without blocking writes; a statement that cannot run
-- in a transaction block makes Flyway run this file without one.
SET lock_timeout = '5s';
CREATE INDEX CONCURRENTLY orders_invoice_id_idx ON orders (invoice_id);
