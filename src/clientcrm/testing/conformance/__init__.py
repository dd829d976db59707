"""The store conformance kit: the contract every store keeps, as pytest classes.

Use it from your own test suite::

    import pytest
    from clientcrm.testing.conformance import AllContracts

    class TestMyStore(AllContracts):
        @pytest.fixture
        def store(self):
            return MyStore(...)          # a fresh, empty store per test

pytest does not collect the contract classes themselves (their names do not start with
``Test``); it collects your subclass and runs every contract against your store.
"""

from clientcrm.testing.conformance.base import StoreFixtures, event
from clientcrm.testing.conformance.billing import BillingContract
from clientcrm.testing.conformance.coaching import CoachingContract
from clientcrm.testing.conformance.credits import CreditContract, CreditRepositoryContract
from clientcrm.testing.conformance.faults import FaultContract
from clientcrm.testing.conformance.imports import ImportRepositoryContract, ImportRunContract
from clientcrm.testing.conformance.insights import InsightContract
from clientcrm.testing.conformance.isolation import IsolationContract
from clientcrm.testing.conformance.journeys import (
    ActivityRepositoryContract,
    JourneyPropertyContract,
    JourneyRepositoryContract,
    OrderRepositoryContract,
)
from clientcrm.testing.conformance.listing import ListQueryContract
from clientcrm.testing.conformance.loyalty import LoyaltyContract
from clientcrm.testing.conformance.merging import (
    MatchRepositoryContract,
    MergeRepositoryContract,
    TimelineRepositoryContract,
)
from clientcrm.testing.conformance.messaging import MessagingContract
from clientcrm.testing.conformance.privacy import ErasureContract
from clientcrm.testing.conformance.properties import (
    FiguresPropertyContract,
    MergePropertyContract,
)
from clientcrm.testing.conformance.purchases import PurchaseContract, PurchaseRepositoryContract
from clientcrm.testing.conformance.repositories import (
    BookingRepositoryContract,
    ClientRepositoryContract,
    NoteRepositoryContract,
    WorkspaceRepositoryContract,
)
from clientcrm.testing.conformance.timeline import FeedContract
from clientcrm.testing.conformance.units import UnitOfWorkContract

__all__ = [
    "ActivityRepositoryContract",
    "AllContracts",
    "BillingContract",
    "BookingRepositoryContract",
    "ClientRepositoryContract",
    "CoachingContract",
    "CreditContract",
    "CreditRepositoryContract",
    "ErasureContract",
    "FaultContract",
    "FeedContract",
    "FiguresPropertyContract",
    "ImportRepositoryContract",
    "ImportRunContract",
    "InsightContract",
    "IsolationContract",
    "JourneyPropertyContract",
    "JourneyRepositoryContract",
    "ListQueryContract",
    "LoyaltyContract",
    "MatchRepositoryContract",
    "MergePropertyContract",
    "MergeRepositoryContract",
    "MessagingContract",
    "NoteRepositoryContract",
    "OrderRepositoryContract",
    "PurchaseContract",
    "PurchaseRepositoryContract",
    "StoreFixtures",
    "TimelineRepositoryContract",
    "UnitOfWorkContract",
    "WorkspaceRepositoryContract",
    "event",
]


class AllContracts(
    UnitOfWorkContract,
    WorkspaceRepositoryContract,
    ClientRepositoryContract,
    BookingRepositoryContract,
    NoteRepositoryContract,
    OrderRepositoryContract,
    ActivityRepositoryContract,
    JourneyRepositoryContract,
    MergeRepositoryContract,
    TimelineRepositoryContract,
    MatchRepositoryContract,
    ListQueryContract,
    FiguresPropertyContract,
    MergePropertyContract,
    JourneyPropertyContract,
    LoyaltyContract,
    CreditRepositoryContract,
    CreditContract,
    PurchaseRepositoryContract,
    PurchaseContract,
    FeedContract,
    ErasureContract,
    ImportRepositoryContract,
    ImportRunContract,
    InsightContract,
    MessagingContract,
    CoachingContract,
    BillingContract,
    IsolationContract,
    FaultContract,
):
    """Every contract at once: subclass it and override the ``store`` fixture."""
