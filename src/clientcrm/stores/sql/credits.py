"""The SQL repository of credit packages and their ledgers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import BindParameter, Connection, bindparam, insert, select, update

from clientcrm.errors import NotFoundError
from clientcrm.models.credits import CreditEntry, CreditPackage
from clientcrm.stores.sql import rows
from clientcrm.stores.sql.bulk import executemany
from clientcrm.stores.sql.journeys import upsert_rows
from clientcrm.stores.sql.tables import credit_entries, credit_packages

__all__ = ["EXPIRING", "SQLCredits"]

_P, _E = credit_packages.c, credit_entries.c
_WS: BindParameter[str] = bindparam("ws")
_GET = select(credit_packages).where(_P.workspace_id == _WS, _P.package_id == bindparam("id"))
_FOR_CLIENT = (
    select(credit_packages)
    .where(_P.workspace_id == _WS, _P.client_id == bindparam("client_id"))
    .order_by(_P.purchased_at, _P.package_id)
)
_LEDGER = (
    select(credit_entries)
    .where(_E.workspace_id == _WS, _E.client_id == bindparam("client_id"))
    .order_by(_E.at, _E.package_id, _E.seq)
)
_FOR_BOOKING = (
    select(credit_entries)
    .where(_E.workspace_id == _WS, _E.booking_id == bindparam("booking_id"))
    .order_by(_E.package_id, _E.seq)
)
EXPIRING = (
    select(credit_packages)
    .where(
        _P.workspace_id == _WS,
        _P.expires_at <= bindparam("until"),
        _P.paused_at.is_(None),
        _P.expired_at.is_(None),
    )
    .order_by(_P.expires_at, _P.package_id)
    .limit(bindparam("size"))
)
_MOVE_PACKAGES = (
    update(credit_packages)
    .where(_P.workspace_id == _WS, _P.package_id.in_(bindparam("ids", expanding=True)))
    .values(client_id=bindparam("client_id"))
)
_MOVE_ENTRIES = (
    update(credit_entries)
    .where(_E.workspace_id == _WS, _E.package_id.in_(bindparam("ids", expanding=True)))
    .values(client_id=bindparam("client_id"))
)
_ADD_ENTRIES = insert(credit_entries)
_REDACT = (
    update(credit_entries)
    .where(_E.workspace_id == _WS, _E.client_id == bindparam("owner"), _E.reason.is_not(None))
    .values(reason=None)
)


class SQLCredits:
    """`clientcrm.ports.CreditRepository` on ``crm_credit_packages`` and its ledger."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, workspace_id: str, package_id: str) -> CreditPackage:
        row = self._conn.execute(_GET, {"ws": workspace_id, "id": package_id}).mappings().first()
        if row is None:
            raise NotFoundError("credit package", package_id)
        return rows.package_from_row(row)

    def for_client(self, workspace_id: str, client_id: str) -> list[CreditPackage]:
        params = {"ws": workspace_id, "client_id": client_id}
        return [
            rows.package_from_row(r) for r in self._conn.execute(_FOR_CLIENT, params).mappings()
        ]

    def save(self, packages: Sequence[CreditPackage], entries: Sequence[CreditEntry]) -> None:
        upsert_rows(self._conn, credit_packages, [rows.package_row(p) for p in packages])
        if entries:
            executemany(self._conn, _ADD_ENTRIES, [rows.entry_row(e) for e in entries])

    def ledger(self, workspace_id: str, client_id: str) -> list[CreditEntry]:
        params = {"ws": workspace_id, "client_id": client_id}
        return [rows.entry_from_row(r) for r in self._conn.execute(_LEDGER, params).mappings()]

    def for_booking(self, workspace_id: str, booking_id: str) -> list[CreditEntry]:
        params = {"ws": workspace_id, "booking_id": booking_id}
        return [rows.entry_from_row(r) for r in self._conn.execute(_FOR_BOOKING, params).mappings()]

    def expiring(self, workspace_id: str, until: datetime, limit: int) -> list[CreditPackage]:
        params = {"ws": workspace_id, "until": until, "size": limit}
        return [rows.package_from_row(r) for r in self._conn.execute(EXPIRING, params).mappings()]

    def move(self, workspace_id: str, package_ids: Collection[str], client_id: str) -> None:
        if not package_ids:
            return
        params = {"ws": workspace_id, "ids": sorted(package_ids), "client_id": client_id}
        self._conn.execute(_MOVE_PACKAGES, params)
        self._conn.execute(_MOVE_ENTRIES, params)

    def redact(self, workspace_id: str, client_id: str) -> None:
        self._conn.execute(_REDACT, {"ws": workspace_id, "owner": client_id})
