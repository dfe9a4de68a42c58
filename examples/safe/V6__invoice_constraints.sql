-- NOT VALID: only new rows are checked, the locks are held for milliseconds. They are validated
-- in the next migration (its own transaction).
SET LOCAL lock_timeout = '5s';
ALTER TABLE orders ADD CONSTRAINT orders_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;
