-- Flyway runs the file in one transaction: a failure undoes all of it, so the migration can run
-- again. Every statement here holds its locks for milliseconds, and SET LOCAL bounds the wait.
SET LOCAL lock_timeout = '5s';

CREATE TABLE invoices (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id  bigint NOT NULL
);

ALTER TABLE orders ADD COLUMN invoice_id bigint;
