"""PostgreSQL's check that every booking belongs to a client, made once per statement.

A foreign key checks each inserted row on its own: on PostgreSQL one query and one row lock
per booking, which doubles the cost of a bulk ``COPY`` of bookings (measured: 9 to 11 µs a row
without it, 20 to 21 µs with it). There the rule is kept by triggers instead, with the
guarantees of the foreign key:

- a statement that adds bookings checks the clients they name in one query over the rows it
  added, and writes each of those clients' rows once (a change of nothing): a concurrent
  removal of one waits for it, and then fails, at any isolation level, as a removal of a
  row changed under it (a foreign key's lock alone would let a ``REPEATABLE READ`` removal
  that began earlier go through, and its own check would not see the new bookings);
- a booking moved to another client (a merge) is checked alone, as the key did;
- a client cannot be removed, nor its key changed, while bookings name it.

Each violation raises SQLSTATE 23503 (``foreign_key_violation``), as the key would. The
functions run with the search path they were made with, so they find the tables of their own
schema whoever calls them. SQLite keeps the declared foreign key: there its check is a cheap
index probe inside the engine.
"""

from __future__ import annotations

__all__ = ["POSTGRES_BOOKING_CLIENTS", "POSTGRES_BOOKING_CLIENTS_DROP"]

POSTGRES_BOOKING_CLIENTS: tuple[str, ...] = (
    """
    CREATE OR REPLACE FUNCTION crm_bookings_have_clients() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    DECLARE
        named bigint;
        held bigint;
    BEGIN
        SELECT count(*) INTO named
        FROM (SELECT DISTINCT workspace_id, client_id FROM added) AS wanted;
        UPDATE crm_clients AS c SET client_id = c.client_id
        FROM (SELECT DISTINCT workspace_id, client_id FROM added) AS wanted
        WHERE c.workspace_id = wanted.workspace_id AND c.client_id = wanted.client_id;
        GET DIAGNOSTICS held = ROW_COUNT;
        IF held < named THEN
            RAISE foreign_key_violation
                USING MESSAGE = 'a booking names a client that does not exist',
                      TABLE = 'crm_bookings';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER crm_bookings_have_clients AFTER INSERT ON crm_bookings
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION crm_bookings_have_clients()
    """,
    """
    CREATE OR REPLACE FUNCTION crm_booking_keeps_a_client() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        UPDATE crm_clients SET client_id = client_id
        WHERE workspace_id = NEW.workspace_id AND client_id = NEW.client_id;
        IF NOT FOUND THEN
            RAISE foreign_key_violation
                USING MESSAGE = 'a booking names a client that does not exist',
                      TABLE = 'crm_bookings';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER crm_booking_keeps_a_client AFTER UPDATE OF workspace_id, client_id
    ON crm_bookings FOR EACH ROW
    WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
          OR OLD.client_id IS DISTINCT FROM NEW.client_id)
    EXECUTE FUNCTION crm_booking_keeps_a_client()
    """,
    """
    CREATE OR REPLACE FUNCTION crm_clients_keep_bookings() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM gone AS g JOIN crm_bookings AS b
            ON b.workspace_id = g.workspace_id AND b.client_id = g.client_id
        ) THEN
            RAISE foreign_key_violation
                USING MESSAGE = 'a client with bookings cannot be removed',
                      TABLE = 'crm_clients';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER crm_clients_keep_bookings AFTER DELETE ON crm_clients
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION crm_clients_keep_bookings()
    """,
    """
    CREATE OR REPLACE FUNCTION crm_client_keeps_its_key() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM crm_bookings
            WHERE workspace_id = OLD.workspace_id AND client_id = OLD.client_id
        ) THEN
            RAISE foreign_key_violation
                USING MESSAGE = 'a client with bookings cannot change its key',
                      TABLE = 'crm_clients';
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER crm_client_keeps_its_key AFTER UPDATE OF workspace_id, client_id
    ON crm_clients FOR EACH ROW
    WHEN (OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
          OR OLD.client_id IS DISTINCT FROM NEW.client_id)
    EXECUTE FUNCTION crm_client_keeps_its_key()
    """,
)
"""The triggers and their functions, made after ``crm_bookings`` (PostgreSQL only)."""

POSTGRES_BOOKING_CLIENTS_DROP: tuple[str, ...] = tuple(
    f"DROP FUNCTION IF EXISTS {name}() CASCADE"  # CASCADE: its trigger goes with it
    for name in (
        "crm_bookings_have_clients",
        "crm_booking_keeps_a_client",
        "crm_clients_keep_bookings",
        "crm_client_keeps_its_key",
    )
)
"""Undoing `POSTGRES_BOOKING_CLIENTS`."""
