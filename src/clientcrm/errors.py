"""The one error tree of clientcrm.

Every failure a caller can act on is a subclass of :class:`CRMError`::

    CRMError
    ├── ValidationError (+ ValueError)       bad input: names the field and the reason
    │   └── DuplicateClientError             the email is already a client (names it)
    ├── NotFoundError (+ LookupError)        no such record in the actor's workspace
    ├── PermissionDeniedError (+ PermissionError)
    ├── PlanLimitError                       the workspace's client limit is reached
    ├── BlockedClientError                   a BLOCKED client cannot take new bookings
    ├── InsufficientBalanceError             not enough loyalty points or credits
    ├── ContactLimitError                    too many re-engagement messages lately
    ├── DeliveryError                        the mail server did not take the message
    ├── PaymentError                         the payment provider refused
    │   └── PaymentDeclinedError             the card was declined; the invoice stays open
    ├── BillingInactiveError                 the trainer has not connected a provider
    └── StorageError                         the store failed; the unit of work rolled back
        └── ConflictError                    a concurrent writer got there first; retry

An operation that raises any of these has changed nothing.
"""

from __future__ import annotations

from datetime import date

__all__ = [
    "BillingInactiveError",
    "BlockedClientError",
    "CRMError",
    "ConflictError",
    "ContactLimitError",
    "DeliveryError",
    "DuplicateClientError",
    "InsufficientBalanceError",
    "NotFoundError",
    "PaymentDeclinedError",
    "PaymentError",
    "PermissionDeniedError",
    "PlanLimitError",
    "StorageError",
    "ValidationError",
]


class CRMError(Exception):
    """Root of every error clientcrm raises on purpose."""


class ValidationError(CRMError, ValueError):
    """A value was rejected.

    Attributes:
        field: the name of the offending field (``"email"``, ``"amount"``...).
        reason: why it was rejected, in words a user can act on.
    """

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class DuplicateClientError(ValidationError):
    """The workspace already has a client with this email.

    Attributes:
        existing_client_id: the id of the client that holds the email.
    """

    def __init__(self, email: str, existing_client_id: str) -> None:
        super().__init__("email", f"{email} already belongs to client {existing_client_id}")
        self.email = email
        self.existing_client_id = existing_client_id


class NotFoundError(CRMError, LookupError):
    """No such record exists in the actor's workspace."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} not found: {key}")
        self.kind = kind
        self.key = key


class PermissionDeniedError(CRMError, PermissionError):
    """The acting person may not do this."""

    def __init__(self, action: str, reason: str) -> None:
        super().__init__(f"not allowed to {action}: {reason}")
        self.action = action
        self.reason = reason


class PlanLimitError(CRMError):
    """Creating one more client would exceed the workspace's plan limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the workspace's plan allows at most {limit} clients")
        self.limit = limit


class BlockedClientError(CRMError):
    """The client is flagged BLOCKED and cannot take new bookings."""

    def __init__(self, client_id: str) -> None:
        super().__init__(f"client {client_id} is blocked and cannot take new bookings")
        self.client_id = client_id


class ContactLimitError(CRMError):
    """The client had as many re-engagement messages lately as the policy allows.

    Attributes:
        client_id: the client.
        email: their address.
        next_allowed: the first day (workspace timezone) another one may be sent.
    """

    def __init__(self, client_id: str, email: str, next_allowed: date) -> None:
        super().__init__(
            f"{email} had the most re-engagement messages the policy allows lately; "
            f"the next may be sent on {next_allowed.isoformat()}"
        )
        self.client_id = client_id
        self.email = email
        self.next_allowed = next_allowed


class DeliveryError(CRMError):
    """The email could not be handed to the mail server (nothing was sent or logged)."""

    def __init__(self, to: str, reason: str) -> None:
        super().__init__(f"could not send to {to}: {reason}")
        self.to = to
        self.reason = reason


class PaymentError(CRMError):
    """The payment provider refused a request (or could not be reached)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"the payment provider refused: {reason}")
        self.reason = reason


class PaymentDeclinedError(PaymentError):
    """The client's card (or other payment method) was declined; the invoice stays open."""


class BillingInactiveError(CRMError):
    """The trainer has not connected a payment provider yet: billing is not active."""

    def __init__(self, trainer_id: str) -> None:
        super().__init__(f"billing is not active for {trainer_id}: connect a payment provider")
        self.trainer_id = trainer_id


class InsufficientBalanceError(CRMError):
    """Taking this many points or credits would leave the client's balance below zero.

    Attributes:
        client_id: the client.
        unit: ``"points"`` or ``"credits"``.
        available: what the client has.
        requested: what was asked for.
    """

    def __init__(self, client_id: str, unit: str, available: int, requested: int) -> None:
        super().__init__(
            f"client {client_id} has {available} {unit} available, not the {requested} asked for"
        )
        self.client_id = client_id
        self.unit = unit
        self.available = available
        self.requested = requested


class StorageError(CRMError):
    """The store failed; the unit of work was rolled back and nothing changed."""


class ConflictError(StorageError):
    """A concurrent writer changed the same data first; retrying the operation is safe.

    `CRM` retries its own units of work a few times before letting this through.
    """
