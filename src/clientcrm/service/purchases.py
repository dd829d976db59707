"""External purchases (SPEC section 11) as the `CRM` offers them: `CRM.purchases`, and the
import of other platforms' sales exports.

A purchase is keyed by its platform and transaction id, so the same sale reported again
(its status changed to refunded, say) updates the one purchase instead of adding another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from itertools import islice
from typing import TypeVar

import attrs

from clientcrm.errors import ValidationError
from clientcrm.models._checks import require_aware, require_text
from clientcrm.models.actor import Actor, Permission
from clientcrm.models.client import Client
from clientcrm.models.events import DomainEvent
from clientcrm.models.importing import ChangeKind, ImportChange, RowOutcome, RowResult, SaleRow
from clientcrm.models.money import CURRENCIES, Money
from clientcrm.models.order import OrderStatus
from clientcrm.models.purchases import (
    ExternalPurchase,
    PurchaseMetrics,
    PurchaseStatus,
    purchase_key,
)
from clientcrm.models.workspace import Workspace
from clientcrm.ports import UnitOfWork
from clientcrm.rules.parsing import parse_amount, parse_moment, parse_status
from clientcrm.rules.purchases import purchase_metrics
from clientcrm.serialization import converter
from clientcrm.service import permissions as perm
from clientcrm.service.importing import BatchImport
from clientcrm.service.running import Runner

__all__ = ["Purchases", "SaleBatch"]

_MAX_TEXT = 500


_Fields = tuple[str, str, str, Money, PurchaseStatus, datetime]
"""A purchase's checked fields, in `ExternalPurchase`'s order: platform, transaction id,
product, price, status, date."""


def _checked(
    platform: str,
    transaction_id: str,
    product: str,
    price: Money,
    status: PurchaseStatus | str,
    purchased_at: datetime,
) -> _Fields:
    if not isinstance(price, Money):
        raise ValidationError("price", "must be Money (an amount and its currency)")
    try:
        status = PurchaseStatus(status)
    except ValueError:
        choices = ", ".join(s.value for s in PurchaseStatus)
        raise ValidationError("status", f"{status!r} is not one of: {choices}") from None
    return (
        require_text(platform, "platform", max_length=100),
        require_text(transaction_id, "transaction_id", max_length=200),
        require_text(product, "product", max_length=_MAX_TEXT),
        price,
        status,
        require_aware(purchased_at, "purchased_at"),
    )


@attrs.frozen
class Purchases:
    """The purchases a workspace's clients made on other platforms (seed 002).

    Staff who may add participants record them; whoever may see a client sees theirs.
    """

    _run: Runner
    _open: Callable[[], UnitOfWork]

    def record(
        self,
        client_id: str,
        actor: Actor,
        *,
        platform: str,
        transaction_id: str,
        product: str,
        price: Money,
        status: PurchaseStatus | str,
        purchased_at: datetime,
    ) -> ExternalPurchase:
        """Record a purchase, or update the one with the same platform and transaction id
        (which stays with the client who holds it: the survivor of a merge, say).

        Raises:
            ValidationError: a field is empty, too long or of the wrong kind.
            NotFoundError: there is no such client.
        """
        perm.require_permission(actor, Permission.ADD_PARTICIPANTS, "record purchases")
        fields = _checked(platform, transaction_id, product, price, status, purchased_at)
        key = purchase_key(fields[0], fields[1])

        def work(uow: UnitOfWork) -> ExternalPurchase:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_workspace(actor, client.workspace_id)
            held = uow.purchases.get_many(client.workspace_id, [key]).get(key)
            owner = client.id if held is None else held.client_id
            purchase = ExternalPurchase(key, client.workspace_id, owner, *fields)
            if purchase != held:
                uow.purchases.save_many([purchase])
            return purchase

        return self._run(work)

    def of_client(
        self,
        client_id: str,
        actor: Actor,
        *,
        platform: str | None = None,
        status: PurchaseStatus | None = None,
    ) -> list[ExternalPurchase]:
        """The client's purchases, newest first, of one platform (any case) or status if
        given."""

        def work(uow: UnitOfWork) -> list[ExternalPurchase]:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_client_access(actor, client, "see purchases")
            found = uow.purchases.for_clients(client.workspace_id, [client.id])
            return list(_filtered(reversed(found.get(client.id, [])), platform, status))

        return self._run(work)

    def metrics(self, client_id: str, actor: Actor) -> PurchaseMetrics:
        """The client's External Purchases tab: count, active and lost revenue, and the
        lifetime value of their bookings, paid orders and completed purchases."""

        def work(uow: UnitOfWork) -> PurchaseMetrics:
            client = uow.clients.get(actor.workspace_id, client_id)
            perm.require_client_access(actor, client, "see purchases")
            return _metrics(uow, [client])[0][1]

        return self._run(work)

    def in_workspace(
        self,
        actor: Actor,
        *,
        platform: str | None = None,
        status: PurchaseStatus | None = None,
    ) -> Iterator[tuple[ExternalPurchase, Client]]:
        """Every purchase of the workspace with its client, earliest first, streamed (for an
        export), of one platform (any case) or status if given; staff only."""
        perm.require_staff(actor, "list purchases")
        ws = actor.workspace_id
        # A generator: the unit of work stays open while the caller reads.
        with self._open() as uow:
            found = _filtered(uow.purchases.in_workspace(ws), platform, status)
            for chunk in _batched(found, _CHUNK):
                clients = uow.clients.get_many(ws, {p.client_id for p in chunk})
                yield from ((p, clients[p.client_id]) for p in chunk)

    def metrics_by_client(self, actor: Actor) -> Iterator[tuple[Client, PurchaseMetrics]]:
        """The metrics of every client with a purchase, in the order of their first
        purchase, streamed; staff only."""
        perm.require_staff(actor, "list purchases")
        ws = actor.workspace_id
        with self._open() as uow:
            buyers = dict.fromkeys(p.client_id for p in uow.purchases.in_workspace(ws))
            for chunk in _batched(buyers, _CHUNK):
                clients = uow.clients.get_many(ws, chunk)
                yield from _metrics(uow, [clients[c] for c in chunk])


_CHUNK = 500
_T = TypeVar("_T")


def _batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _metrics(uow: UnitOfWork, clients: Sequence[Client]) -> list[tuple[Client, PurchaseMetrics]]:
    """The purchase metrics of clients of one workspace."""
    ws = clients[0].workspace_id
    ids = [c.id for c in clients]
    orders = uow.orders.for_clients(ws, ids)
    purchases = uow.purchases.for_clients(ws, ids)
    currency = uow.workspaces.get(ws).currency
    found = []
    for client in clients:
        paid = (o.amount for o in orders.get(client.id, []) if o.status is OrderStatus.PAID)
        own = client.figures.spend + sum(paid, Decimal(0))
        bought = purchases.get(client.id, [])
        found.append((client, purchase_metrics(bought, currency, own_revenue=own)))
    return found


def _filtered(
    purchases: Iterable[ExternalPurchase], platform: str | None, status: PurchaseStatus | None
) -> Iterator[ExternalPurchase]:
    wanted = None if platform is None else platform.strip().casefold()
    return (
        p
        for p in purchases
        if (wanted is None or p.platform.casefold() == wanted)
        and (status is None or p.status is status)
    )


@attrs.define
class SaleBatch:
    """One batch of a sales export's rows in one unit of work: each buyer found or created
    as a client (through `BatchImport`), then each sale recorded as their purchase.

    A row's outcome is its purchase's: created, updated (a known sale whose status or
    details changed), skipped (a known sale, unchanged) or failed.
    """

    clients: BatchImport
    platform: str
    dayfirst: bool = True
    results: list[RowResult] = attrs.Factory(list)

    @property
    def new_seen(self) -> dict[str, int]:
        return self.clients.new_seen

    @property
    def events(self) -> list[DomainEvent]:
        return self.clients.events

    @property
    def changes(self) -> list[ImportChange]:
        return self.clients.changes

    def run(self, rows: Sequence[SaleRow]) -> None:
        """Check every row, create the buyers who are not clients yet, record the sales."""
        workspace = self.clients.workspace
        sales = [(row, f) for row in rows if (f := self._check(row, workspace)) is not None]
        self.clients.run([row.client for row, _ in sales])
        by_line = {r.line: r for r in self.clients.results}
        uow, ws = self.clients.uow, workspace.id
        emails = {row.line: (row.client.email or "").strip().lower() for row, _ in sales}
        owners = uow.clients.find_by_emails(ws, set(emails.values()))
        keys = [purchase_key(fields[0], fields[1]) for _, fields in sales]
        held = uow.purchases.get_many(ws, keys)
        saved: dict[str, ExternalPurchase] = {}
        for (row, fields), key in zip(sales, keys, strict=True):
            client_result = by_line[row.line]
            owner = owners.get(emails[row.line])
            if owner is None and client_result.outcome is RowOutcome.FAILED:
                self._result(row, RowOutcome.FAILED, client_result.reason)
                continue
            if owner is None:  # a dry run: an earlier batch would have created the buyer
                self._result(row, RowOutcome.CREATED)
                continue
            before = saved.get(key) or held.get(key)
            holder = owner.id if before is None else before.client_id
            purchase = ExternalPurchase(key, ws, holder, *fields)
            if purchase == before:
                self._result(row, RowOutcome.SKIPPED, "already recorded", holder)
                continue
            saved[key] = purchase
            self._remember(row.line, purchase, before)
            outcome = RowOutcome.CREATED if before is None else RowOutcome.UPDATED
            note = "a new client" if client_result.outcome is RowOutcome.CREATED else None
            self._result(row, outcome, note, holder)
        uow.purchases.save_many(list(saved.values()))

    def _remember(
        self, line: int, purchase: ExternalPurchase, before: ExternalPurchase | None
    ) -> None:
        after = converter.unstructure(purchase)
        if before is None:
            kind, was = ChangeKind.CREATED_PURCHASE, None
        else:
            kind, was = ChangeKind.UPDATED_PURCHASE, converter.unstructure(before)
        self.clients.change(line, kind, purchase.id, purchase.client_id, before=was, after=after)

    def _check(self, row: SaleRow, workspace: Workspace) -> _Fields | None:
        if row.problem is not None:
            self._result(row, RowOutcome.FAILED, row.problem)
            return None
        try:
            currency = (row.currency or workspace.currency).strip().upper()
            if currency not in CURRENCIES:
                raise ValidationError("currency", f"{currency!r} is not an ISO 4217 code")
            price = Money(parse_amount(row.price or "", currency), currency)
            fields = _checked(
                row.platform or self.platform,
                row.transaction_id or "",
                row.product or "",
                price,
                parse_status(row.status or ""),
                parse_moment(row.purchased_at or "", workspace.tz, dayfirst=self.dayfirst),
            )
        except ValidationError as error:
            self._result(row, RowOutcome.FAILED, str(error))
            return None
        return fields

    def _result(
        self,
        row: SaleRow,
        outcome: RowOutcome,
        reason: str | None = None,
        client_id: str | None = None,
    ) -> None:
        self.results.append(RowResult(row.line, outcome, row.client.email, reason, client_id))
