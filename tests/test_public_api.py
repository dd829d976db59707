"""The public surface is deliberate: pinned here so a change to it is a visible decision."""

import importlib
from importlib.metadata import version

import pytest

import clientcrm

PUBLIC = {
    "clientcrm": {
        "CRM", "ActivityEvent", "ActivityKind", "Actor", "BlockedClientError", "Booking",
        "BookingEvent", "BookingEventKind",
        "BookingStatus", "CRMError", "Client", "ClientDetail", "ClientFigures", "ClientPage",
        "ClientSummary",
        "ClientQuery", "ConflictError", "ContactLimitError", "DeliveryError",
        "DuplicateClientError",
        "Flag", "InsufficientBalanceError", "MessagePurpose",
        "InsightPolicy", "JourneyPolicy", "LoyaltyPolicy",
        "MatchMode", "MatchPolicy", "MilestoneKind", "MilestonePolicy", "Money", "Note",
        "OrderEvent", "OrderEventKind",
        "NotePolicy", "NoteVisibility", "NotFoundError", "PaymentStatus", "Permission",
        "PermissionDeniedError", "PlanLimitError", "Policies", "RebuildReport",
        "RecordSummary", "Role", "SortKey", "Source", "Stage", "StatusPill", "StatusPolicy",
        "StorageError", "Tier", "TierChange", "ValidationError", "Workspace", "__version__",
        "ExternalPurchase", "PurchaseMetrics", "PurchaseStatus",
    },
    "clientcrm.matching": {
        "Compare", "DuplicateCluster", "Duplicates", "Evidence", "MatchLevel", "MatchResult",
        "MatchWeights", "PairMatch", "Reason", "Record", "find_duplicates", "records_of", "score",
        "score_against",
    },
    "clientcrm.io": {
        "CLIENT_COLUMNS", "ClientField", "ClientFile", "ClientRow", "ImportMode", "ImportReport",
        "RowOutcome",
        "RowResult", "Table", "client_rows", "fold_header", "map_headers", "open_table",
        "read_clients", "safe_cell", "write_clients", "write_clients_xlsx",
        "PURCHASE_COLUMNS", "PURCHASE_METRIC_COLUMNS", "SaleField", "SaleFile", "SaleRow",
        "purchase_metric_rows", "purchase_rows", "read_sales", "write_csv",
        "TIMELINE_COLUMNS", "timeline_rows", "write_timeline_pdf", "BookingField",
        "BookingFile", "BookingRow", "read_bookings",
    },
    "clientcrm.analytics": {
        "AtRiskClient", "BookingOutcomes", "Cohort", "CohortCell", "CohortRetention",
        "InsightPolicy", "Insights", "MonthOfBookings", "MonthlyBookings", "Overview",
        "SlippingClient", "SpendBin", "SpendDistribution", "Tabular", "TopClient", "Totals",
        "columns", "to_arrow", "to_pandas", "to_polars",
    },
    "clientcrm.analytics.plots": {
        "cohort_heatmap", "journey_funnel", "monthly_bookings", "overview",
        "spend_distribution", "status_mix",
    },
    "clientcrm.messaging": {"SMTPSender", "Security"},
    "clientcrm.payments": {"StripeProvider"},
    "clientcrm.stores.sql": {"SQLStore"},
    "clientcrm.stores.memory": {"MemoryStore"},
    "clientcrm.testing": {"FrozenClock"},
    "clientcrm.testing.conformance": {
        "ActivityRepositoryContract", "AllContracts", "BookingRepositoryContract",
        "ClientRepositoryContract", "CreditContract", "CreditRepositoryContract", "FaultContract",
        "FiguresPropertyContract",
        "IsolationContract", "JourneyPropertyContract", "JourneyRepositoryContract",
        "ListQueryContract", "LoyaltyContract", "MatchRepositoryContract", "MergePropertyContract",
        "MergeRepositoryContract", "NoteRepositoryContract", "OrderRepositoryContract",
        "StoreFixtures", "TimelineRepositoryContract", "PurchaseContract",
        "PurchaseRepositoryContract", "FeedContract", "ErasureContract",
        "ImportRepositoryContract", "ImportRunContract", "InsightContract", "MessagingContract",
        "CoachingContract", "BillingContract",
        "UnitOfWorkContract", "WorkspaceRepositoryContract", "event",
    },
    "clientcrm.errors": {
        "BillingInactiveError", "BlockedClientError", "CRMError", "ConflictError",
        "ContactLimitError", "DeliveryError", "DuplicateClientError", "PaymentDeclinedError",
        "PaymentError",
        "InsufficientBalanceError", "NotFoundError",
        "PermissionDeniedError", "PlanLimitError", "StorageError", "ValidationError",
    },
}  # fmt: skip


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_all_is_pinned_and_importable(module: str) -> None:
    """Each public module exports exactly the pinned names, and each name exists."""
    mod = importlib.import_module(module)
    assert set(mod.__all__) == PUBLIC[module]
    for name in mod.__all__:
        assert hasattr(mod, name), name


def test_version_comes_from_the_installed_metadata() -> None:
    """__version__ is the installed distribution's version."""
    assert clientcrm.__version__ == version("clientcrm")


def test_every_error_is_a_crm_error() -> None:
    """One rooted tree: every exported error subclasses CRMError."""
    for name in PUBLIC["clientcrm.errors"]:
        assert issubclass(getattr(clientcrm.errors, name), clientcrm.CRMError)
