"""How good is the early warning? Generated histories where the truth is known.

Clients keep a personal rhythm (every 3.5, 7, 14 or 30 days, jittered, with the odd
holiday); 40% of them stop for good at a random moment. Every absence after a visit is an
episode; it is a lapse when the next visit is 90+ days away or never comes. The real rule
(`clientcrm.rules.slipping`) is asked at a daily check during every episode; so are two
fixed rules ("away 30 days", "away 45 days") as baselines. Reported, per rule:

* recall: lapses warned about before the LAPSED pill;
* precision: warnings that were followed by a lapse;
* false alarms: returns (the client came back within 90 days) warned about anyway;
* lead: median days between the warning and the pill.

Run: ``python benchmarks/slipping.py [--clients 3000] [--seed 11]``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from clientcrm.testing.cadence import CadenceHistory, Evaluation, evaluate, histories


def _row(name: str, found: Evaluation) -> str:
    return (
        f"{name:<22} {found.lapses:>7} {found.recall:>7.1%} {found.precision:>10.1%} "
        f"{found.false_alarms:>7} ({found.false_alarm_rate:>5.2%}) {found.median_lead_days:>6.0f}"
    )


def report(found: Sequence[CadenceHistory]) -> list[str]:
    """One line per rule, overall and per rhythm."""
    lines = [
        f"{'rule':<22} {'lapses':>7} {'recall':>7} {'precision':>10} {'false alarms':>15} "
        f"{'lead':>6}"
    ]
    for rhythm in (None, 3.5, 7.0, 14.0, 30.0):
        group = [h for h in found if rhythm is None or h.rhythm_days == rhythm]
        label = "all clients" if rhythm is None else f"every {rhythm:g} days"
        lines.append(f"-- {label} ({len(group)})")
        lines.append(_row("clientcrm (own rhythm)", evaluate(group)))
        lines.append(_row("fixed: away 30 days", evaluate(group, fixed_days=30)))
        lines.append(_row("fixed: away 45 days", evaluate(group, fixed_days=45)))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print("\n".join(report(histories(args.clients, seed=args.seed))))


if __name__ == "__main__":
    main()
