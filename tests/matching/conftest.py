"""The calibration figures, shown at the end of every run that measures them."""

import pytest

FIGURES: list[str] = []


@pytest.fixture
def report() -> list[str]:
    """Lines for the run's summary: precision and recall a test measured."""
    return FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("matching calibration")
        for line in FIGURES:
            terminalreporter.write_line(line)
