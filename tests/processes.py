"""Child processes that are killed mid-work, as a crash would stop them."""

from __future__ import annotations

import signal
import subprocess
import sys
import time


def run_killed(code: str, args: list[str], kill_after: float | None) -> tuple[int, str]:
    """Run ``code`` in a child Python, which prints "ready" when its work begins; kill it
    with SIGKILL ``kill_after`` seconds later (``None``: let it finish). Returns its exit
    code and what it printed after "ready"."""
    with subprocess.Popen(
        [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        if kill_after is not None:
            time.sleep(kill_after)
            proc.send_signal(signal.SIGKILL)
        out = proc.stdout.read()
        proc.wait(timeout=300)
    return proc.returncode, out
