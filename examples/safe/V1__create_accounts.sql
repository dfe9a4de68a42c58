-- Initial schema. Everything here is created by this migration, so indexes and constraints on
-- these tables are fine: nobody reads or writes them yet. Flyway runs the file in one
-- transaction: if any statement fails, none of them happened, and the migration can run again.
CREATE TABLE accounts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email);

CREATE TABLE orders (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id  bigint NOT NULL REFERENCES accounts (id),
    total_cents bigint NOT NULL,
    -- A length limit in a CHECK can be changed later without blocking (varchar(200) cannot).
    note        text CHECK (char_length(note) <= 200)
);
CREATE INDEX orders_account_id_idx ON orders (account_id);
