"""Entry point of the ``clientcrm`` command: checks the extra is installed, then runs."""

from __future__ import annotations

import sys

__all__ = ["main"]

INSTALL_HINT = 'clientcrm\'s command line needs its extra: pip install "clientcrm[cli]"'


def main() -> None:
    """Run the command line; a missing extra prints the install line and exits 1."""
    try:
        from clientcrm.cli.app import run  # noqa: PLC0415 - click and rich are optional
    except ImportError as error:
        print(f"{INSTALL_HINT} ({error})", file=sys.stderr)
        sys.exit(1)
    run()


if __name__ == "__main__":
    main()
