"""The SQL store: SQLite (embedded default) and PostgreSQL through SQLAlchemy 2 Core.

Install with ``pip install "clientcrm[sql]"``. The tables live in
`clientcrm.stores.sql.tables.metadata`.
"""

from clientcrm.stores.sql.store import SQLStore

__all__ = ["SQLStore"]
