"""Each plot draws what its insight says, labelled in the workspace's currency and timezone."""

from pathlib import Path

from matplotlib.figure import Figure
from PIL import Image

from clientcrm import CRM, Actor
from clientcrm.analytics import plots


def _texts(fig: Figure) -> str:
    """Every piece of text on the figure: titles, labels, tick labels, bar labels."""
    fig.draw_without_rendering()  # tick labels exist once laid out
    found = [t.get_text() for t in fig.findobj(match=lambda o: hasattr(o, "get_text"))]
    return "\n".join(found)


def _bar_heights(fig: Figure, horizontal: bool = False) -> list[int]:
    ax = fig.axes[0]
    return [round(p.get_width() if horizontal else p.get_height()) for p in ax.patches]


def test_status_mix_and_funnel_draw_every_count(studio: tuple[CRM, Actor]) -> None:
    crm, owner = studio
    found = crm.insights(owner)
    mix = plots.status_mix(found)
    assert _bar_heights(mix, horizontal=True) == list(found.statuses.values())
    assert "Status mix" in _texts(mix)
    assert "(Europe/Berlin)" in _texts(mix)  # the as-of moment, in the workspace timezone
    funnel = plots.journey_funnel(found)
    assert _bar_heights(funnel, horizontal=True) == list(found.stages.values())
    assert "Retention" in _texts(funnel)


def test_monthly_bookings_stack_every_status(studio: tuple[CRM, Actor]) -> None:
    crm, owner = studio
    monthly = crm.monthly_bookings(owner, months=6)
    fig = plots.monthly_bookings(monthly)
    stacks = len(monthly.months)
    heights = _bar_heights(fig)
    assert len(heights) == 4 * stacks
    assert heights[:stacks] == [m.completed for m in monthly.months]
    texts = _texts(fig)
    assert "Jun 2026" in texts
    assert "no-show" in texts


def test_spend_distribution_names_the_currency(studio: tuple[CRM, Actor]) -> None:
    crm, owner = studio
    spend = crm.spend_distribution(owner)
    fig = plots.spend_distribution(spend)
    assert _bar_heights(fig) == [b.clients for b in spend.bins]
    assert "Lifetime spend (EUR)" in _texts(fig)


def test_cohort_heatmap_shows_each_share(studio: tuple[CRM, Actor]) -> None:
    crm, owner = studio
    retention = crm.cohort_retention(owner)
    fig = plots.cohort_heatmap(retention)
    texts = _texts(fig)
    first = retention.cohorts[0]
    assert f"{first.month:%b %Y} ({first.size})" in texts
    assert f"{first.retention[1]:.0%}" in texts
    assert "Months after the first booking" in texts


def test_the_overview_renders_to_a_png(studio: tuple[CRM, Actor], tmp_path: Path) -> None:
    crm, owner = studio
    fig = plots.overview(
        crm.insights(owner),
        crm.monthly_bookings(owner),
        crm.spend_distribution(owner),
        crm.cohort_retention(owner),
    )
    assert len(fig.axes) >= 5
    fig.savefig(tmp_path / "overview.png", dpi=50)
    with Image.open(tmp_path / "overview.png") as image:
        width, height = image.size
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
    assert width > 500
    assert height > 400
    assert len(colours) > 50  # drawn, not blank
