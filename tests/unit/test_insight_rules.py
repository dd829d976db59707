"""The pure parts of the insights: round spend bins."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clientcrm.rules.insights import bin_width

ROUND = {1, 2, 5}


def _is_round(width: Decimal) -> bool:
    digits = width.normalize().as_tuple().digits
    return width >= 1 and digits[0] in ROUND and all(d == 0 for d in digits[1:])


@pytest.mark.parametrize(
    ("top", "bins", "width"),
    [
        (Decimal(0), 10, Decimal(1)),
        (Decimal("0.50"), 10, Decimal(1)),
        (Decimal(9), 10, Decimal(1)),
        (Decimal(10), 10, Decimal(2)),  # 10 bins of 1 stop before 10
        (Decimal(100), 10, Decimal(20)),
        (Decimal("99.99"), 10, Decimal(10)),
        (Decimal(250), 5, Decimal(100)),
        (Decimal("12345.67"), 10, Decimal(2000)),
    ],
)
def test_round_widths(top: Decimal, bins: int, width: Decimal) -> None:
    assert bin_width(top, bins) == width


@given(
    top=st.decimals(min_value=0, max_value=10**9, places=2),
    bins=st.integers(1, 50),
)
def test_the_width_is_round_covers_the_top_and_is_the_smallest_that_does(
    top: Decimal, bins: int
) -> None:
    width = bin_width(top, bins)
    assert _is_round(width)
    assert width * bins > top
    assert all(w * bins <= top for w in _round_widths_below(width))


def _round_widths_below(width: Decimal) -> list[Decimal]:
    """The round widths just below ``width`` (down to 1)."""
    found = []
    power = Decimal(1)
    while power <= width:
        found += [power * step for step in (1, 2, 5) if power * step < width]
        power *= 10
    return found
