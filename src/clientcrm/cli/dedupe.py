"""``clientcrm dedupe``: the people recorded more than once, explained, with a review file."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import click
from rich.table import Table

from clientcrm.cli.context import App, pass_app
from clientcrm.cli.render import dumps, progress_bar
from clientcrm.errors import ValidationError
from clientcrm.matching import Compare, Duplicates, Evidence, Record, find_duplicates, records_of
from clientcrm.models.query import ClientQuery
from clientcrm.policies import MatchPolicy

__all__ = ["COMMANDS", "review_rows"]

REVIEW_COLUMNS = (
    "cluster",
    "level",
    "score",
    "a_id",
    "a_name",
    "a_email",
    "a_phone",
    "b_id",
    "b_name",
    "b_email",
    "b_phone",
    "reasons",
    "decision",
)
SHOWN = 20


def _evidence(spec: str) -> Evidence:
    column, _, kind = spec.partition(":")
    kinds = [c.value for c in Compare]
    if not column or kind not in kinds:
        msg = f"--evidence {spec!r}: write COLUMN:KIND, KIND one of {', '.join(kinds)}"
        raise click.BadParameter(msg)
    return Evidence(column, Compare(kind))


@click.command("dedupe")
@click.option(
    "--csv",
    "source",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Deduplicate the rows of this CSV file instead of the workspace's clients.",
)
@click.option(
    "--evidence",
    "evidence_specs",
    multiple=True,
    metavar="COLUMN:KIND",
    help="An extra CSV column to compare: KIND is exact, fuzzy_text or date (repeatable).",
)
@click.option(
    "--review",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default="dedupe-review.csv",
    show_default=True,
    help="Where to write the review file: one row per pair, a blank decision column.",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0.5, 1.0),
    help="The partial threshold (the workspace's policy by default).",
)
@click.option("--region", help="Region of phones written without +, e.g. GB (CSV input).")
@click.option("--json", "as_json", is_flag=True, help="Print the clusters as JSON.")
@pass_app
def dedupe_command(
    app: App,
    source: Path | None,
    evidence_specs: tuple[str, ...],
    review: Path,
    threshold: float | None,
    region: str | None,
    as_json: bool,
) -> None:
    """Find the people recorded more than once; print them and write a review CSV."""
    evidence = tuple(_evidence(spec) for spec in evidence_specs)
    if source is None:
        if evidence:
            raise click.UsageError("--evidence needs --csv: clients carry no extra columns")
        records, policy, region = _workspace_records(app, region)
    else:
        records, policy = _file_records(source, evidence), MatchPolicy()
    if threshold is not None:
        policy = attrs.evolve(policy, partial_threshold=threshold)
    found = _run(app, records, policy, region, evidence)
    rows = list(review_rows(found, {r.id: r for r in records}))
    with review.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, REVIEW_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    if as_json:
        click.echo(dumps(_as_json(found)))
    else:
        _print(app, found, {r.id: r for r in records})
        app.console.print(f"Review file: {review} ({len(rows):,} pairs)")


def _workspace_records(
    app: App, region: str | None
) -> tuple[list[Record], MatchPolicy, str | None]:
    crm = app.crm()
    workspace = crm.workspace(app.actor)
    everyone = ClientQuery(limit=500, include_inactive=True)
    records = [Record.of_client(c) for c in crm.iter_clients(everyone, app.actor)]
    return records, workspace.policies.matching, region or workspace.phone_region


def _file_records(source: Path, evidence: Sequence[Evidence]) -> list[Record]:
    with source.open(newline="", encoding="utf-8-sig") as rows:
        reader = csv.DictReader(rows)
        header = set(reader.fieldnames or ())
        wanted = {"name", "first_name", "last_name", "email", "phone"}
        if not header & wanted:
            msg = f"needs at least one column of {', '.join(sorted(wanted))}"
            raise ValidationError(str(source), msg)
        for item in evidence:
            if item.column not in header:
                raise ValidationError(item.column, f"is not a column of {source}")
        return list(records_of(reader))


def _run(
    app: App,
    records: list[Record],
    policy: MatchPolicy,
    region: str | None,
    evidence: tuple[Evidence, ...],
) -> Duplicates:
    label, short = "[bold]{task.description:<12}", len(records) < 20_000
    with progress_bar(app.console, label, transient=True, disable=short) as progress:
        tasks: dict[str, Any] = {}

        def tell(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = progress.add_task(stage.capitalize(), total=total or None)
            progress.update(tasks[stage], completed=done, total=total or None)

        return find_duplicates(
            records, policy=policy, region=region, evidence=evidence, progress=tell
        )


def review_rows(found: Duplicates, records: dict[str, Record]) -> Iterator[dict[str, str]]:
    """One row per matching pair, for a reviewer to fill the ``decision`` column."""
    for number, cluster in enumerate(found.clusters, start=1):
        for pair in cluster.pairs:
            a, b = records[pair.a], records[pair.b]
            yield {
                "cluster": str(number),
                "level": pair.result.level.value,
                "score": f"{pair.result.score:.3f}",
                **_side("a", a),
                **_side("b", b),
                "reasons": "; ".join(r.detail for r in pair.result.reasons),
                "decision": "",
            }


def _side(prefix: str, record: Record) -> dict[str, str]:
    values = {"id": record.id, "name": record.name, "email": record.email, "phone": record.phone}
    return {f"{prefix}_{k}": v or "" for k, v in values.items()}


def _as_json(found: Duplicates) -> dict[str, Any]:
    return {
        "records": found.records,
        "candidate_pairs": found.candidate_pairs,
        "clusters": [
            {
                "ids": list(cluster.ids),
                "level": cluster.level.value,
                "score": round(cluster.score, 4),
                "pairs": [
                    {
                        "a": pair.a,
                        "b": pair.b,
                        "score": round(pair.result.score, 4),
                        "level": pair.result.level.value,
                        "reasons": [
                            {
                                "feature": r.feature,
                                "detail": r.detail,
                                "contribution": round(r.contribution, 4),
                            }
                            for r in pair.result.reasons
                        ],
                    }
                    for pair in cluster.pairs
                ],
            }
            for cluster in found.clusters
        ],
    }


def _print(app: App, found: Duplicates, records: dict[str, Record]) -> None:
    table = Table(title=f"{len(found.clusters):,} people recorded more than once", expand=False)
    for name in ("#", "Level", "Score", "Records", "Why"):
        table.add_column(name, justify="right" if name in ("#", "Score") else "left")
    for number, cluster in enumerate(found.clusters[:SHOWN], start=1):
        people = "\n".join(_describe(records[i]) for i in cluster.ids)
        weakest = min(cluster.pairs, key=lambda p: p.result.score)
        why = ", ".join(r.detail for r in weakest.result.reasons if r.contribution)
        table.add_row(str(number), cluster.level.value, f"{cluster.score:.2f}", people, why)
    app.console.print(table)
    if len(found.clusters) > SHOWN:
        app.console.print(f"... and {len(found.clusters) - SHOWN:,} more in the review file.")
    app.console.print(
        f"{found.records:,} records, {found.candidate_pairs:,} pairs compared "
        f"(of {found.records * (found.records - 1) // 2:,} possible)."
    )


def _describe(record: Record) -> str:
    return " · ".join(v for v in (record.name, record.email, record.phone) if v)


COMMANDS = (dedupe_command,)
