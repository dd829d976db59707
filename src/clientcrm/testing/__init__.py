"""Test helpers clientcrm ships for its users.

- `clientcrm.testing.conformance`: the store conformance kit (needs pytest and hypothesis,
  the ``test`` extra).
- `clientcrm.testing.strategies`: hypothesis strategies for booking histories.
- `clientcrm.testing.generators`: seeded, labelled synthetic studios.
- `FrozenClock`: a clock that moves only when told.
"""

from contextlib import suppress

with suppress(ImportError):  # pytest is only needed by the conformance kit
    import pytest

    pytest.register_assert_rewrite("clientcrm.testing.conformance")

from clientcrm.testing.clock import FrozenClock

__all__ = ["FrozenClock"]
