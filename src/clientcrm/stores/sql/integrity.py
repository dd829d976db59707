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

_KEY_CHANGED = """(OLD.workspace_id IS DISTINCT FROM NEW.workspace_id
          OR OLD.client_id IS DISTINCT FROM NEW.client_id)"""


def _rule(
    name: str, when: str, check: str, refused: str, *, message: str, table: str
) -> tuple[str, str]:
    """A trigger ``name`` (``when``: its timing, events, table and level) whose function runs
    ``check``, then raises a foreign-key violation on ``table`` when ``refused`` holds.

    ``check`` writes the client rows it needs, changing nothing (see the module's notes)."""
    function = f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql
    SET search_path FROM CURRENT AS $$
    DECLARE
        named bigint;  -- distinct clients the statement's bookings name
        held bigint;  -- of those, the clients that exist
    BEGIN
        {check}
        IF {refused} THEN
            RAISE foreign_key_violation USING MESSAGE = '{message}', TABLE = '{table}';
        END IF;
        RETURN NULL;
    END $$
    """
    return function, f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION {name}()"


_RULES = {
    # New bookings: their clients exist (one query for the statement's rows).
    "crm_bookings_have_clients": _rule(
        "crm_bookings_have_clients",
        "AFTER INSERT ON crm_bookings REFERENCING NEW TABLE AS added FOR EACH STATEMENT",
        """SELECT count(*) INTO named
        FROM (SELECT DISTINCT workspace_id, client_id FROM added) AS wanted;
        UPDATE crm_clients AS c SET client_id = c.client_id
        FROM (SELECT DISTINCT workspace_id, client_id FROM added) AS wanted
        WHERE c.workspace_id = wanted.workspace_id AND c.client_id = wanted.client_id;
        GET DIAGNOSTICS held = ROW_COUNT;""",
        "held < named",
        message="a booking names a client that does not exist",
        table="crm_bookings",
    ),
    # A booking moved to another client (a merge): that client exists.
    "crm_booking_keeps_a_client": _rule(
        "crm_booking_keeps_a_client",
        f"AFTER UPDATE OF workspace_id, client_id ON crm_bookings FOR EACH ROW WHEN {_KEY_CHANGED}",
        """UPDATE crm_clients AS c SET client_id = c.client_id
        WHERE c.workspace_id = NEW.workspace_id AND c.client_id = NEW.client_id;""",
        "NOT FOUND",
        message="a booking names a client that does not exist",
        table="crm_bookings",
    ),
    # Removed clients: no booking names them.
    "crm_clients_keep_bookings": _rule(
        "crm_clients_keep_bookings",
        "AFTER DELETE ON crm_clients REFERENCING OLD TABLE AS gone FOR EACH STATEMENT",
        "",
        """EXISTS (
            SELECT 1 FROM gone AS g JOIN crm_bookings AS b
            ON b.workspace_id = g.workspace_id AND b.client_id = g.client_id
        )""",
        message="a client with bookings cannot be removed",
        table="crm_clients",
    ),
    # A client's key changed: no booking names the old one.
    "crm_client_keeps_its_key": _rule(
        "crm_client_keeps_its_key",
        f"AFTER UPDATE OF workspace_id, client_id ON crm_clients FOR EACH ROW WHEN {_KEY_CHANGED}",
        "",
        """EXISTS (
            SELECT 1 FROM crm_bookings
            WHERE workspace_id = OLD.workspace_id AND client_id = OLD.client_id
        )""",
        message="a client with bookings cannot change its key",
        table="crm_clients",
    ),
}

POSTGRES_BOOKING_CLIENTS: tuple[str, ...] = tuple(
    statement for rule in _RULES.values() for statement in rule
)
"""The triggers and their functions, made after ``crm_bookings`` (PostgreSQL only)."""

POSTGRES_BOOKING_CLIENTS_DROP: tuple[str, ...] = tuple(
    f"DROP FUNCTION IF EXISTS {name}() CASCADE"  # CASCADE: its trigger goes with it
    for name in _RULES
)
"""Undoing `POSTGRES_BOOKING_CLIENTS`."""
