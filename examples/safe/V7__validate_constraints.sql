-- Separate migration (its own transaction): VALIDATE takes SHARE UPDATE EXCLUSIVE, so reads and
-- writes continue while existing rows are checked.
SET lock_timeout = '5s';
ALTER TABLE orders VALIDATE CONSTRAINT orders_invoice_fk;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
