"""Insights for dashboards and notebooks (SPEC section 10).

The `CRM` answers with plain typed objects, each aggregated by the store::

    insights = crm.insights(actor)             # the insights page
    retention = crm.cohort_retention(actor)     # first-booking cohorts, month by month
    slipping = crm.slipping(actor)              # the early warning, before LAPSED
    monthly = crm.monthly_bookings(actor)       # bookings by month and status
    spend = crm.spend_distribution(actor)       # clients by lifetime spend

Everything list-shaped converts with `to_arrow`, `to_pandas` and `to_polars` (extra
``dataframe``); `clientcrm.analytics.plots` draws them (extra ``plot``).
"""

from clientcrm.analytics.frames import Tabular, columns, to_arrow, to_pandas, to_polars
from clientcrm.models.insights import (
    AtRiskClient,
    BookingOutcomes,
    Cohort,
    CohortCell,
    CohortRetention,
    Insights,
    MonthlyBookings,
    MonthOfBookings,
    Overview,
    SlippingClient,
    SpendBin,
    SpendDistribution,
    TopClient,
    Totals,
)
from clientcrm.policies import InsightPolicy

__all__ = [
    "AtRiskClient",
    "BookingOutcomes",
    "Cohort",
    "CohortCell",
    "CohortRetention",
    "InsightPolicy",
    "Insights",
    "MonthOfBookings",
    "MonthlyBookings",
    "Overview",
    "SlippingClient",
    "SpendBin",
    "SpendDistribution",
    "Tabular",
    "TopClient",
    "Totals",
    "columns",
    "to_arrow",
    "to_pandas",
    "to_polars",
]
