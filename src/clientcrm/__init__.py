"""clientcrm: a client relationship manager that booking platforms embed.

The host tells clientcrm what happened (bookings made, attended, cancelled, paid, refunded);
clientcrm keeps the client records, their derived figures and rules, and answers the
questions a dashboard asks. Start with `CRM`::

    from clientcrm import CRM, Actor, Workspace
    from clientcrm.stores.memory import MemoryStore

    crm = CRM(MemoryStore())
"""

from importlib.metadata import PackageNotFoundError, version

from clientcrm.errors import (
    BlockedClientError,
    ConflictError,
    ContactLimitError,
    CRMError,
    DeliveryError,
    DuplicateClientError,
    InsufficientBalanceError,
    NotFoundError,
    PermissionDeniedError,
    PlanLimitError,
    StorageError,
    ValidationError,
)
from clientcrm.models import (
    ActivityEvent,
    ActivityKind,
    Actor,
    Booking,
    BookingEvent,
    BookingEventKind,
    BookingStatus,
    Client,
    ClientFigures,
    ClientPage,
    ClientQuery,
    ClientSummary,
    ExternalPurchase,
    Flag,
    MessagePurpose,
    MilestoneKind,
    Money,
    Note,
    NoteVisibility,
    OrderEvent,
    OrderEventKind,
    PaymentStatus,
    Permission,
    PurchaseMetrics,
    PurchaseStatus,
    Role,
    SortKey,
    Source,
    Stage,
    StatusPill,
    Tier,
    TierChange,
    Workspace,
)
from clientcrm.policies import (
    InsightPolicy,
    JourneyPolicy,
    LoyaltyPolicy,
    MatchMode,
    MatchPolicy,
    MilestonePolicy,
    NotePolicy,
    Policies,
    StatusPolicy,
)
from clientcrm.service import CRM, ClientDetail, RebuildReport, RecordSummary

try:
    __version__ = version("clientcrm")
except PackageNotFoundError:  # pragma: no cover - only when run from a bare source tree
    __version__ = "0.0.0"

__all__ = [
    "CRM",
    "ActivityEvent",
    "ActivityKind",
    "Actor",
    "BlockedClientError",
    "Booking",
    "BookingEvent",
    "BookingEventKind",
    "BookingStatus",
    "CRMError",
    "Client",
    "ClientDetail",
    "ClientFigures",
    "ClientPage",
    "ClientQuery",
    "ClientSummary",
    "ConflictError",
    "ContactLimitError",
    "DeliveryError",
    "DuplicateClientError",
    "ExternalPurchase",
    "Flag",
    "InsightPolicy",
    "InsufficientBalanceError",
    "JourneyPolicy",
    "LoyaltyPolicy",
    "MatchMode",
    "MatchPolicy",
    "MessagePurpose",
    "MilestoneKind",
    "MilestonePolicy",
    "Money",
    "NotFoundError",
    "Note",
    "NotePolicy",
    "NoteVisibility",
    "OrderEvent",
    "OrderEventKind",
    "PaymentStatus",
    "Permission",
    "PermissionDeniedError",
    "PlanLimitError",
    "Policies",
    "PurchaseMetrics",
    "PurchaseStatus",
    "RebuildReport",
    "RecordSummary",
    "Role",
    "SortKey",
    "Source",
    "Stage",
    "StatusPill",
    "StatusPolicy",
    "StorageError",
    "Tier",
    "TierChange",
    "ValidationError",
    "Workspace",
    "__version__",
]
