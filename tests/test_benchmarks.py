"""The benchmark scripts run end to end at a tiny size, so they never rot.

The real figures come from running them at full size (see benchmarks/README.md).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("ingest.py", ["--events", "3000", "--single", "300"], ("of the ceiling",)),
        ("list_query.py", ["--clients", "3000", "--runs", "20"], ("raw sqlite3",)),
        ("dedupe.py", ["--records", "500"], ("clientcrm vs Splink",)),
        ("realtime_match.py", ["--clients", "3000", "--probes", "40"], ("raw sqlite3",)),
        (
            "journeys.py",
            ["--clients", "3000", "--events", "3000", "--rounds", "2"],
            ("build: ", "the ceiling", "round 2:", "median of 2"),
        ),
        ("import_export.py", ["--clients", "2000", "--export-rounds", "1"], ("of the ceiling",)),
        ("slipping.py", ["--clients", "200"], ("fixed: away 45 days",)),
        (
            "insights.py",
            ["--clients", "500", "--per-client", "5", "--runs", "2"],
            ("of the ceiling",),
        ),
    ],
)
def test_benchmark_script_runs(script: str, args: list[str], expected: tuple[str, ...]) -> None:
    """Each benchmark prints its figures beside its ceiling."""
    _run_and_expect(script, args, *expected)


def test_postgres_benchmark_runs(postgres_url: str) -> None:
    """The PostgreSQL benchmark prints its figures beside raw psycopg's, on the test server."""
    args = ["--events", "3000", "--clients", "3000", "--runs", "10", "--dsn", postgres_url]
    _run_and_expect("postgres.py", args, "raw psycopg")


def _run_and_expect(script: str, args: list[str], *expected: str) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for text in expected:
        assert text in done.stdout
