"""The domain models: small, frozen, slotted, typed attrs classes."""

from clientcrm.models.activity import ActivityKind
from clientcrm.models.actor import Actor, Permission, Role
from clientcrm.models.booking import Booking, BookingStatus, PaymentStatus, Version
from clientcrm.models.client import Client, ClientFigures, ClientSummary, Flag, Source, StatusPill
from clientcrm.models.events import (
    ActivityEvent,
    BookingEvent,
    BookingEventKind,
    BookingRecorded,
    ClientCreated,
    ClientErased,
    ClientFlagged,
    DomainEvent,
    MilestoneReached,
    OrderEvent,
    OrderEventKind,
    StageChanged,
)
from clientcrm.models.journey import MilestoneKind, Stage
from clientcrm.models.loyalty import Tier, TierChange
from clientcrm.models.messages import MessagePurpose
from clientcrm.models.money import Money
from clientcrm.models.note import Note, NoteVisibility
from clientcrm.models.purchases import ExternalPurchase, PurchaseMetrics, PurchaseStatus
from clientcrm.models.query import ClientPage, ClientQuery, SortKey
from clientcrm.models.workspace import Workspace

__all__ = [
    "ActivityEvent",
    "ActivityKind",
    "Actor",
    "Booking",
    "BookingEvent",
    "BookingEventKind",
    "BookingRecorded",
    "BookingStatus",
    "Client",
    "ClientCreated",
    "ClientErased",
    "ClientFigures",
    "ClientFlagged",
    "ClientPage",
    "ClientQuery",
    "ClientSummary",
    "DomainEvent",
    "ExternalPurchase",
    "Flag",
    "MessagePurpose",
    "MilestoneKind",
    "MilestoneReached",
    "Money",
    "Note",
    "NoteVisibility",
    "OrderEvent",
    "OrderEventKind",
    "PaymentStatus",
    "Permission",
    "PurchaseMetrics",
    "PurchaseStatus",
    "Role",
    "SortKey",
    "Source",
    "Stage",
    "StageChanged",
    "StatusPill",
    "Tier",
    "TierChange",
    "Version",
    "Workspace",
]
