"""A throwaway PostgreSQL server, started from the machine's binaries, for tests and
benchmarks.

``CLIENTCRM_TEST_POSTGRES_DSN`` (a SQLAlchemy URL) names a server to use instead
(`postgres_url`). clientcrm's own suite skips its PostgreSQL tests, saying why, when neither
can be had, and fails instead when ``CLIENTCRM_REQUIRE_POSTGRES=1`` (as its CI sets).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

DSN_VARIABLE = "CLIENTCRM_TEST_POSTGRES_DSN"
REQUIRE_VARIABLE = "CLIENTCRM_REQUIRE_POSTGRES"
DATABASE = "clientcrm_test"


__all__ = ["NoPostgresError", "postgres_url", "throwaway_server"]


class NoPostgresError(Exception):
    """No PostgreSQL server can be had here; the message says why."""


def _bindir() -> Path:
    found = shutil.which("pg_config")
    if found:
        done = subprocess.run(  # noqa: S603 - the machine's own pg_config
            [found, "--bindir"], capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and (Path(done.stdout.strip()) / "initdb").exists():
            return Path(done.stdout.strip())
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
    if candidates:
        return candidates[0].parent
    msg = "no PostgreSQL binaries (pg_config --bindir) and no " + DSN_VARIABLE
    raise NoPostgresError(msg)


def _as_server_user(command: list[str]) -> list[str]:
    """``initdb`` and the server refuse to run as root: run them as ``postgres`` then."""
    if os.geteuid() != 0:
        return command
    runuser = shutil.which("runuser")
    if runuser is None:
        msg = "running as root without runuser to start PostgreSQL as its own user"
        raise NoPostgresError(msg)
    return [runuser, "-u", "postgres", "--", *command]


def _run(command: list[str]) -> None:
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own programs, with arguments built here
        _as_server_user(command), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        program = Path(command[0]).name
        msg = f"{program} failed: {done.stderr.strip() or done.stdout.strip()}"
        raise NoPostgresError(msg)


@contextmanager
def throwaway_server() -> Iterator[str]:
    """Yield the SQLAlchemy URL of a fresh database on a private, temporary server.

    The server listens on a Unix socket in its own temporary folder only, without fsync (it
    is thrown away), and is stopped and removed afterwards.
    """
    bindir = _bindir()
    folder = Path(tempfile.mkdtemp(prefix="clientcrm-pg-"))
    data = folder / "data"
    try:
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        _run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
              "-E", "UTF8", "--locale=C", "--no-sync"])  # fmt: skip
        options = f"-k {folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        _run([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w",
              "-l", str(folder / "server.log"), "start"])  # fmt: skip
        try:
            _run([str(bindir / "createdb"), "-h", str(folder), "-U", "postgres", DATABASE])
            yield f"postgresql+psycopg://postgres@/{DATABASE}?host={folder}"
        finally:
            _run([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def postgres_url() -> Iterator[str]:
    """The URL of the test server: the one named by the environment, or a throwaway one."""
    named = os.environ.get(DSN_VARIABLE)
    if named:
        yield named
    else:
        with throwaway_server() as url:
            yield url
