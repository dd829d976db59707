"""Every model round-trips through the converter to plain JSON and back."""

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm import ValidationError
from clientcrm.models import (
    Actor,
    Booking,
    BookingEvent,
    Client,
    ClientFigures,
    ClientQuery,
    Money,
    Note,
    Workspace,
)
from clientcrm.policies import Policies
from clientcrm.rules.bookings import apply_event
from clientcrm.serialization import converter
from clientcrm.testing.strategies import booking_histories

MODELS = [
    Actor,
    Booking,
    BookingEvent,
    Client,
    ClientFigures,
    ClientQuery,
    Money,
    Note,
    Workspace,
    Policies,
]

T0 = "2026-01-01T09:00:00+00:00"
VERSION = {"occurred_at": T0, "event_id": "e1"}
SAMPLES: dict[type, dict[str, object]] = {
    Actor: {"id": "a", "workspace_id": "w", "role": "owner"},
    Booking: {
        "id": "b", "workspace_id": "w", "client_id": "c", "service": "Yin", "starts_at": T0,
        "status": "booked", "first_event_at": T0, "details_version": VERSION,
        "status_version": VERSION,
    },
    BookingEvent: {
        "kind": "booked", "event_id": "e", "booking_id": "b", "occurred_at": T0,
        "email": "a@example.com", "service": "Yin", "starts_at": T0,
    },
    Client: {
        "id": "c", "workspace_id": "w", "name": "A", "email": "a@example.com", "created_at": T0,
    },
    ClientFigures: {"bookings": 1},
    ClientQuery: {"search": "kate"},
    Money: {"amount": "1.00", "currency": "EUR"},
    Note: {
        "id": "n", "workspace_id": "w", "client_id": "c", "author_id": "a", "text": "hi",
        "visibility": "team", "created_at": T0, "updated_at": T0,
    },
    Workspace: {"id": "w", "name": "W"},
    Policies: {},
}  # fmt: skip

aware = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
)


def roundtrip(value: object) -> object:
    return converter.structure(json.loads(json.dumps(converter.unstructure(value))), type(value))


@pytest.mark.parametrize("model", MODELS)
def test_every_model_is_frozen_and_slotted(model: type) -> None:
    """Instances of every model refuse changes and new attributes."""
    instance = converter.structure(SAMPLES[model], model)
    first = attrs.fields(model)[0].name
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        setattr(instance, first, getattr(instance, first))
    assert "__dict__" not in dir(instance)


@given(history=booking_histories())
def test_events_and_bookings_round_trip(history: list[BookingEvent]) -> None:
    """Booking events and the bookings they fold into survive JSON unchanged."""
    for e in history:
        assert roundtrip(e) == e
        assert roundtrip(apply_event(None, e, "w", "c")) == apply_event(None, e, "w", "c")


@given(
    client=st.builds(
        Client,
        id=st.text(min_size=1),
        workspace_id=st.text(min_size=1),
        name=st.text(),
        email=st.emails(),
        created_at=aware,
        tags=st.frozensets(st.text()),
        custom=st.dictionaries(st.text(), st.integers() | st.text() | st.none()),
        figures=st.builds(
            ClientFigures,
            bookings=st.integers(0, 10_000),
            spend=st.decimals(places=2, allow_nan=False, allow_infinity=False),
            last_activity_at=aware,
        ),
    ),
    workspace=st.builds(Workspace, id=st.just("w"), name=st.text()),
    query=st.builds(ClientQuery, registered_from=st.none() | st.dates(min_value=date(2000, 1, 1))),
)
def test_clients_workspaces_queries_round_trip(
    client: Client, workspace: Workspace, query: ClientQuery
) -> None:
    """Clients, workspaces and queries survive JSON unchanged."""
    assert roundtrip(client) == client
    assert roundtrip(workspace) == workspace
    assert roundtrip(query) == query


def test_documented_shapes() -> None:
    """Money is amount-as-string plus currency; datetimes are ISO 8601 UTC; enums are values."""
    assert converter.unstructure(Money("12.50", "EUR")) == {"amount": "12.50", "currency": "EUR"}
    figures = ClientFigures(
        spend=Decimal("1.10"), last_activity_at=datetime(2026, 1, 2, tzinfo=UTC)
    )
    data = converter.unstructure(figures)
    assert data["last_activity_at"] == "2026-01-02T00:00:00+00:00"
    assert converter.unstructure(ClientQuery(statuses={"lapsed"}))["statuses"] == ["lapsed"]


def test_naive_datetimes_are_refused_on_the_way_in() -> None:
    """Structuring a datetime without an offset raises ValidationError."""
    with pytest.raises(ValidationError):
        converter.structure("2026-01-02T00:00:00", datetime)
