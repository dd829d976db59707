"""Plots of the insights (extra ``plot``): each function takes an insight and returns a
matplotlib ``Figure``, labelled, in the workspace currency and timezone.

The figures are built without ``pyplot``: no global state, no window, safe in a web server.
Show one in a notebook by leaving it as a cell's value; save it with ``fig.savefig(path)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from clientcrm.models.client import StatusPill
from clientcrm.models.insights import CohortRetention, Insights, MonthlyBookings, SpendDistribution
from clientcrm.models.journey import Stage

__all__ = [
    "cohort_heatmap",
    "journey_funnel",
    "monthly_bookings",
    "overview",
    "spend_distribution",
    "status_mix",
]

PILL_COLOURS = {
    StatusPill.NEW: "#3b82f6",
    StatusPill.ACTIVE: "#10b981",
    StatusPill.REGULAR: "#8b5cf6",
    StatusPill.LAPSED: "#9ca3af",
}
OUTCOME_COLOURS = {
    "completed": "#10b981",
    "cancelled": "#f59e0b",
    "no-show": "#ef4444",
    "booked": "#93c5fd",
}


def status_mix(insights: Insights, ax: Axes | None = None) -> Figure:
    """How many clients show each status pill (horizontal bars)."""
    colours = [PILL_COLOURS[p] for p in insights.statuses]
    return _clients_by(insights, insights.statuses, colours, "Status mix", ax)


def journey_funnel(insights: Insights, ax: Axes | None = None) -> Figure:
    """How many clients are in each journey stage, in journey order."""
    return _clients_by(insights, insights.stages, "#6366f1", "Journey stages", ax)


def _clients_by(
    insights: Insights,
    counts: Mapping[StatusPill, int] | Mapping[Stage, int],
    colour: str | list[str],
    title: str,
    ax: Axes | None,
) -> Figure:
    """Horizontal bars of clients per pill or stage, in their own order, top to bottom."""
    fig, ax = _figure(ax)
    bars = ax.barh([k.value.title() for k in counts], list(counts.values()), color=colour)
    ax.bar_label(bars, padding=3)
    ax.invert_yaxis()
    ax.set_xlabel("Clients")
    _titles(ax, title, _as_of(insights.as_of, insights.timezone))
    return fig


def monthly_bookings(monthly: MonthlyBookings, ax: Axes | None = None) -> Figure:
    """Bookings by month and status (stacked bars)."""
    fig, ax = _figure(ax, width=8)
    labels = [_month(m.month) for m in monthly.months]
    series = {
        "completed": [m.completed for m in monthly.months],
        "cancelled": [m.cancelled for m in monthly.months],
        "no-show": [m.no_shows for m in monthly.months],
        "booked": [m.booked for m in monthly.months],
    }
    bottom = [0] * len(labels)
    for name, values in series.items():
        ax.bar(labels, values, bottom=bottom, label=name, color=OUTCOME_COLOURS[name])
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel("Bookings")
    ax.set_xlabel(f"Month the booking starts ({monthly.timezone})")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(frameon=False)
    _titles(ax, "Monthly bookings by status", _as_of(monthly.as_of, monthly.timezone))
    return fig


def spend_distribution(distribution: SpendDistribution, ax: Axes | None = None) -> Figure:
    """Clients by lifetime spend (a histogram of round bins)."""
    fig, ax = _figure(ax, width=8)
    labels = [f"{b.low:,.0f}\N{EN DASH}{b.high:,.0f}" for b in distribution.bins]
    bars = ax.bar(labels, [b.clients for b in distribution.bins], color="#0ea5e9")
    ax.bar_label(bars, padding=2)
    ax.set_xlabel(f"Lifetime spend ({distribution.currency})")
    ax.set_ylabel("Clients")
    ax.tick_params(axis="x", labelrotation=45)
    _titles(ax, "Spend distribution", "clients with a counted booking")
    return fig


def cohort_heatmap(retention: CohortRetention, ax: Axes | None = None) -> Figure:
    """The share of each first-booking cohort still booking, month by month."""
    cohorts = retention.cohorts
    width = max((len(c.active) for c in cohorts), default=1)
    grid = [
        [float(s) for s in c.retention] + [float("nan")] * (width - len(c.active)) for c in cohorts
    ]
    fig, ax = _figure(ax, width=max(6, width * 0.6 + 2), height=max(3, len(cohorts) * 0.4 + 1.5))
    if cohorts:
        image = ax.imshow(grid, aspect="auto", cmap="Blues", vmin=0, vmax=1)
        fig.colorbar(image, ax=ax, label="Share still booking")
        for row, cohort in enumerate(cohorts):
            for col, share in enumerate(cohort.retention):
                ax.text(
                    col,
                    row,
                    f"{share:.0%}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if share > 0.6 else "black",
                )
    ax.set_yticks(range(len(cohorts)), [f"{_month(c.month)} ({c.size})" for c in cohorts])
    ax.set_xticks(range(width), [str(n) for n in range(width)])
    ax.set_xlabel("Months after the first booking")
    ax.set_ylabel(f"First booking month ({retention.timezone})")
    _titles(ax, "Cohort retention", _as_of(retention.as_of, retention.timezone))
    return fig


def _figure(ax: Axes | None, *, width: float = 6, height: float = 4) -> tuple[Figure, Axes]:
    """The axes to draw on (a new figure's, unless given) and their figure."""
    if ax is not None:
        fig = ax.get_figure()
        assert isinstance(fig, Figure)
        return fig, ax
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.add_subplot()


def _titles(ax: Axes, title: str, subtitle: str) -> None:
    ax.set_title(f"{title}\n", loc="left", fontsize=12, fontweight="bold")
    ax.set_title(subtitle, loc="right", fontsize=8, color="#6b7280")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _as_of(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"as of {local:%d %b %Y %H:%M} ({timezone})"


def _month(month: date) -> str:
    return f"{month:%b %Y}"


def overview(
    insights: Insights,
    monthly: MonthlyBookings,
    spend: SpendDistribution,
    retention: CohortRetention,
) -> Figure:
    """Every plot on one page: status mix, journey stages, monthly bookings, spend
    distribution and cohort retention."""
    fig = Figure(figsize=(14, 13), layout="constrained")
    grid = fig.add_gridspec(3, 2, height_ratios=[1, 1, 1.3])
    status_mix(insights, fig.add_subplot(grid[0, 0]))
    journey_funnel(insights, fig.add_subplot(grid[0, 1]))
    monthly_bookings(monthly, fig.add_subplot(grid[1, 0]))
    spend_distribution(spend, fig.add_subplot(grid[1, 1]))
    cohort_heatmap(retention, fig.add_subplot(grid[2, :]))
    return fig
