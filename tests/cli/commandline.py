"""Running the ``clientcrm`` command in a child process, as a user would."""

import subprocess
import sys


def invoke(args: list[str]) -> tuple[int, str, str]:
    """Run the command in a child process: exit code, stdout, stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "clientcrm.cli.main", *args],
        capture_output=True,
        text=True,
        env={"COLUMNS": "200", "PATH": "", "NO_COLOR": "1"},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr
