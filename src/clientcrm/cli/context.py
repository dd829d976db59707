"""What every command shares: the database, the workspace, the acting owner, the console."""

from __future__ import annotations

from pathlib import Path

import attrs
import click
from rich.console import Console

from clientcrm.models.actor import Actor
from clientcrm.models.client import Client
from clientcrm.service.crm import CRM
from clientcrm.stores.sql import SQLStore

__all__ = ["DEFAULT_DB", "App", "pass_app", "sqlite_path"]

DEFAULT_DB = "clientcrm.db"


def sqlite_path(db: str) -> Path | None:
    """The file behind ``db`` when it is a SQLite file (a path or a ``sqlite:///`` URL)."""
    if "://" not in db:
        return Path(db)
    if db.startswith("sqlite:///") and len(db) > len("sqlite:///"):
        return Path(db.removeprefix("sqlite:///"))
    return None


@attrs.define
class App:
    """The state of one command invocation."""

    db: str
    workspace_id: str
    console: Console = attrs.Factory(Console)
    _crm: CRM | None = None

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the database."""
        return self.db if "://" in self.db else f"sqlite:///{self.db}"

    @property
    def actor(self) -> Actor:
        """The command line acts as the workspace owner."""
        return Actor.owner(self.workspace_id, "cli")

    def crm(self, *, create: bool = False) -> CRM:
        """Open the database (it must exist unless ``create``)."""
        if self._crm is None:
            path = sqlite_path(self.db)
            if path is not None and not create and not path.is_file():
                msg = f"no database at {path}: run `clientcrm demo`, or pass --db"
                raise click.UsageError(msg)
            self._crm = CRM(SQLStore(self.url))
        return self._crm

    def client(self, email: str) -> Client:
        """The client with this email, or a one-line error."""
        return self.crm().find_client(email, self.actor)


pass_app = click.make_pass_decorator(App)
