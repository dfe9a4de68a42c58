CREATE TABLE invoices (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id  bigint NOT NULL
);

-- Existing table: validating the foreign key scans orders while writes to both tables wait.
ALTER TABLE orders ADD COLUMN invoice_id bigint;
ALTER TABLE orders ADD CONSTRAINT orders_invoice_fk FOREIGN KEY (invoice_id) REFERENCES invoices (id);

-- Scans the whole table under ACCESS EXCLUSIVE: no reads, no writes.
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total_cents >= 0);
