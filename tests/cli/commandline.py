"""Running the ``clientcrm`` command as a user would: in this process through the same
entry point the console script calls (fast), or in a child process (`invoke_process`)."""

import io
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from unittest import mock

from clientcrm.cli.app import run

_ENV = {"COLUMNS": "200", "NO_COLOR": "1"}


def invoke(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    """Run the command in this process, as the console script does (user mistakes exit
    through `SystemExit`): exit code, stdout, stderr. Standard input holds ``stdin``."""
    out, err = io.StringIO(), io.StringIO()
    with (
        redirect_stdout(out),
        redirect_stderr(err),
        mock.patch.dict(os.environ, _ENV),
        mock.patch.object(sys, "stdin", io.StringIO(stdin)),
    ):
        try:
            run(args)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else int(done.code is not None)
        else:
            code = 0
    return code, out.getvalue(), err.getvalue()


def invoke_process(args: list[str]) -> tuple[int, str, str]:
    """Run the command in a child process: exit code, stdout, stderr."""
    done = subprocess.run(
        [sys.executable, "-m", "clientcrm.cli.main", *args],
        capture_output=True,
        text=True,
        env={**_ENV, "PATH": ""},
        check=False,
    )
    return done.returncode, done.stdout, done.stderr
