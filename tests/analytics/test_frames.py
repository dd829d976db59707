"""Every list-shaped insight converts to Arrow, pandas and polars through one path, exactly."""

import json
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

from clientcrm import CRM, Actor
from clientcrm.analytics import columns, to_arrow, to_pandas, to_polars
from clientcrm.models.insights import (
    AtRiskClient,
    CohortRetention,
    Insights,
    MonthlyBookings,
    SlippingClient,
    SpendDistribution,
)
from clientcrm.serialization import converter


def _insights(studio: tuple[CRM, Actor]) -> dict[str, Any]:
    crm, owner = studio
    found = crm.insights(owner)
    return {
        "top": found.top_clients,
        "at_risk": found.at_risk,
        "stages": found.stages,
        "statuses": found.statuses,
        "conversion": found.conversion,
        "cohorts": crm.cohort_retention(owner),
        "slipping": crm.slipping(owner),
        "monthly": crm.monthly_bookings(owner).months,
        "spend": crm.spend_distribution(owner).bins,
    }


@pytest.mark.parametrize(
    "name", ["top", "at_risk", "stages", "statuses", "conversion", "cohorts", "slipping",
             "monthly", "spend"]
)  # fmt: skip
def test_every_insight_is_the_same_table_in_arrow_pandas_and_polars(
    studio: tuple[CRM, Actor], name: str
) -> None:
    data = _insights(studio)[name]
    table = to_arrow(data)
    assert table.num_rows > 0, "the studio should have some of each"
    assert table.column_names == list(columns(data))
    frame, polars = to_pandas(data), to_polars(data)
    assert isinstance(frame, pd.DataFrame)
    assert isinstance(polars, pl.DataFrame)
    assert list(frame.columns) == table.column_names == polars.columns
    assert frame.to_dict("list") == table.to_pydict()
    assert pa.Table.from_pandas(frame, preserve_index=False).to_pydict() == table.to_pydict()
    assert polars.to_arrow().to_pydict() == table.to_pydict()


def test_values_stay_exact_and_typed(studio: tuple[CRM, Actor]) -> None:
    """Rates and money are decimals to the cent, gaps are durations, months dates."""
    crm, owner = studio
    slipping = crm.slipping(owner)
    table = to_arrow(slipping)
    assert table.schema.field("overdue").type == pa.decimal128(19, 4)
    assert table.schema.field("usual_gap").type == pa.duration("us")
    assert table.schema.field("last_visit").type == pa.timestamp("us", tz="UTC")
    assert table.column("overdue").to_pylist() == [s.overdue for s in slipping]
    assert table.column("usual_gap").to_pylist() == [s.usual_gap for s in slipping]
    spend = to_polars(crm.spend_distribution(owner).bins)
    assert spend["low"].to_list()[1] == crm.spend_distribution(owner).bins[1].low


def test_cohorts_are_in_long_form(studio: tuple[CRM, Actor]) -> None:
    crm, owner = studio
    retention = crm.cohort_retention(owner)
    frame = to_pandas(retention)
    first = retention.cohorts[0]
    rows = frame[frame["cohort"] == first.month]
    assert rows["active"].tolist() == list(first.active)
    assert rows["months_after"].tolist() == list(range(len(first.active)))
    assert (rows["share"] == [*first.retention]).all()


def test_an_empty_list_keeps_no_columns_and_counts_keep_theirs() -> None:
    assert to_arrow([]).num_rows == 0
    assert to_arrow({}).column_names == ["key", "clients"]


@pytest.mark.parametrize(
    "kind", [Insights, CohortRetention, MonthlyBookings, SpendDistribution, SlippingClient,
             AtRiskClient],
)  # fmt: skip
def test_insights_round_trip_through_json(studio: tuple[CRM, Actor], kind: type) -> None:
    crm, owner = studio
    found: dict[type, Any] = {
        Insights: crm.insights(owner),
        CohortRetention: crm.cohort_retention(owner),
        MonthlyBookings: crm.monthly_bookings(owner),
        SpendDistribution: crm.spend_distribution(owner),
        SlippingClient: crm.slipping(owner)[0],
        AtRiskClient: crm.insights(owner).at_risk[0],
    }
    value = found[kind]
    text = json.dumps(converter.unstructure(value))
    back = converter.structure(json.loads(text), kind)
    assert back == value
    if kind is SlippingClient:
        assert '"usual_gap": "P' in text  # durations as ISO 8601
