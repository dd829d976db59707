"""``clientcrm insights``: the insights page on the terminal, as JSON, or as plots."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Group, RenderableType
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.journey import STAGE_STYLE
from clientcrm.cli.render import PILL_STYLE, dumps, money
from clientcrm.models.insights import Insights, SlippingClient
from clientcrm.models.workspace import Workspace
from clientcrm.serialization import converter

__all__ = ["COMMANDS", "insights_summary"]


@click.command("insights")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option(
    "--plot",
    "plot_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also draw every plot into this PNG file (needs clientcrm[plot]).",
)
@click.option(
    "--slipping", "slipping_shown", default=10, show_default=True,
    type=click.IntRange(0, 1000), help="How many slipping clients to list.",
)  # fmt: skip
@pass_app
def insights_command(app: App, as_json: bool, plot_path: Path | None, slipping_shown: int) -> None:
    """The workspace at a glance: clients, bookings and their outcomes, top and at-risk
    clients, the clients slipping away, stages, cohorts."""
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    found = crm.insights(app.actor)
    slipping = crm.slipping(app.actor, limit=slipping_shown)
    if plot_path is not None:
        _plot(app, found, plot_path)
    if as_json:
        data = {
            "insights": converter.unstructure(found),
            "slipping": converter.unstructure(slipping),
            "cohorts": converter.unstructure(crm.cohort_retention(app.actor)),
            "monthly_bookings": converter.unstructure(crm.monthly_bookings(app.actor)),
            "spend_distribution": converter.unstructure(crm.spend_distribution(app.actor)),
        }
        click.echo(dumps(data))
        return
    app.console.print(insights_summary(found, workspace, slipping))
    if plot_path is not None:
        app.console.print(f"Plots written to {plot_path}")


def _plot(app: App, found: Insights, path: Path) -> None:
    try:
        from clientcrm.analytics import plots  # noqa: PLC0415 - matplotlib is optional
    except ImportError as missing:
        msg = f"--plot needs matplotlib: pip install 'clientcrm[plot]' ({missing})"
        raise click.UsageError(msg) from None
    crm = app.crm()
    fig = plots.overview(
        found,
        crm.monthly_bookings(app.actor),
        crm.spend_distribution(app.actor),
        crm.cohort_retention(app.actor),
    )
    try:
        fig.savefig(path, dpi=100)
    except OSError as error:
        raise click.UsageError(f"cannot write {path}: {error.strerror or error}") from None


def insights_summary(
    found: Insights, workspace: Workspace, slipping: list[SlippingClient]
) -> RenderableType:
    """The insights page as rich renderables: cards, outcomes, top, at risk, slipping."""
    parts: list[RenderableType] = [_cards(found, workspace)]
    if found.top_clients:
        top = Table("#", "Client", "Completed", "", title="Top clients", header_style="bold")
        for t in found.top_clients:
            top.add_row(str(t.rank), t.name, str(t.completed), "recurring" if t.recurring else "")
        parts.append(top)
    if found.at_risk:
        risky = Table(
            "Client", "Email", "Bookings", "Cancelled", "No-shows", "Rate",
            title=f"At-risk clients ({found.at_risk_count} in all)", header_style="bold",
        )  # fmt: skip
        for c in found.at_risk:
            risky.add_row(
                c.name, c.email, str(c.bookings), str(c.cancelled), str(c.no_shows), f"{c.rate:.0%}"
            )
        parts.append(risky)
    if slipping:
        slip = Table(
            "Client", "Email", "Usually every", "Away", "Overdue", "Lapses on",
            title="Slipping away (before the LAPSED pill)", header_style="bold",
        )  # fmt: skip
        for s in slipping:
            slip.add_row(
                s.name, s.email, _days(s.usual_gap.total_seconds()),
                _days(s.absence.total_seconds()), f"{s.overdue}x", s.lapses_on.isoformat(),
            )  # fmt: skip
        parts.append(slip)
    return Group(*parts)


def _cards(found: Insights, workspace: Workspace) -> Table:
    o, out, totals = found.overview, found.outcomes, found.totals
    cards = Table.grid(padding=(0, 2))
    cards.add_row(
        "[bold]Insights[/]", f"as of {found.as_of.astimezone(workspace.tz):%Y-%m-%d %H:%M}"
    )
    cards.add_row("Clients", f"{o.clients:,} ({o.active_clients:,} active)")
    cards.add_row("Bookings", f"{o.bookings:,} ({o.completed:,} completed)")
    cards.add_row("Completion rate", _share(o.completion_rate))
    cards.add_row("Recurring clients", f"{o.recurring_clients:,}")
    cards.add_row(
        "Outcomes",
        f"[green]completed[/] {out.completed:,}  [yellow]cancelled[/] {out.cancelled:,}  "
        f"[red]no-shows[/] {out.no_shows:,} (no-show rate {_share(out.no_show_rate)})",
    )
    cards.add_row(
        "Status",
        "  ".join(
            f"[{PILL_STYLE[p.value]}]{p.value.upper()}[/] {n:,}" for p, n in found.statuses.items()
        ),
    )
    cards.add_row(
        "Journey",
        "  ".join(
            f"[{STAGE_STYLE[s.value]}]{s.value.title()}[/] {n:,}" for s, n in found.stages.items()
        ),
    )
    cards.add_row(
        "Customers",
        f"{totals.customers:,}, {totals.with_credits:,} with credits, revenue "
        f"{money(totals.revenue, workspace)}, {totals.bookings:,} counted bookings",
    )
    return cards


def _share(value: object) -> str:
    return "-" if value is None else f"{value:.1%}"


def _days(seconds: float) -> str:
    return f"{seconds / 86400:.0f} days" if seconds >= 86400 * 1.5 else f"{seconds / 3600:.0f} h"


COMMANDS = (insights_command,)
