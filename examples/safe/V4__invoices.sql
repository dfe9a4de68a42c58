-- One transaction: a failure undoes all of it, so the migration can run again. Every statement
-- here holds its locks for milliseconds, and SET LOCAL bounds the wait for each of them.
BEGIN;
SET LOCAL lock_timeout = '5s';

CREATE TABLE invoices (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id  bigint NOT NULL
);

ALTER TABLE orders ADD COLUMN invoice_id bigint;

-- NOT VALID: only new rows are checked, the locks are held for milliseconds.
ALTER TABLE orders ADD CONSTRAINT orders_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id) NOT VALID;
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0) NOT VALID;

COMMIT;
