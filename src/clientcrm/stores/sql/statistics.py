"""Keeping PostgreSQL's planner statistics in step with tables that ingest grows fast."""

from __future__ import annotations

import attrs
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

__all__ = ["PlannerStatistics"]

_STALE_BELOW = 100  # rows: below this a table is small enough for any plan

_PLANNER_BELIEF = text(
    "SELECT c.reltuples, s.n_live_tup FROM pg_class c "
    "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.oid = to_regclass(:table)"
)
"""What the planner believes a table holds, and what the table holds (PostgreSQL)."""


@attrs.define
class PlannerStatistics:
    """Analyses the tables a store adds rows to, once they hold twice what the planner
    believes.

    The planner's statistics are refreshed by autovacuum only now and then. An import into a
    new or small table would meanwhile run with plans made for an almost empty one, many
    times slower. Analysing at each doubling costs a handful of ``ANALYZE`` runs over a whole
    import. The catalog is asked only once this store alone has added as many rows as the
    planner believed the table held (so the table may have doubled), not after every unit of
    work.
    """

    engine: Engine
    _unlooked: dict[str, int] = attrs.field(factory=dict, init=False)
    """Rows added by this store since it last asked the catalog, by table."""
    _believed: dict[str, float] = attrs.field(factory=dict, init=False)
    """What the planner believed each table held when this store last asked."""

    def added(self, counts: dict[str, int]) -> None:
        """A unit of work committed ``counts`` new rows, by table."""
        due = {}
        for table, count in counts.items():
            unlooked = self._unlooked[table] = self._unlooked.get(table, 0) + count
            if unlooked >= max(self._believed.get(table, 0.0), _STALE_BELOW):
                due[table] = unlooked
        if due:
            self._look(due)

    def _look(self, due: dict[str, int]) -> None:
        try:
            with self.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT")
                for table, added in due.items():
                    believed, counted = conn.execute(_PLANNER_BELIEF, {"table": table}).one()
                    believed = max(believed, 0)  # -1: never analysed
                    live = max(counted, believed + added)  # the count may lag a commit
                    if live >= _STALE_BELOW and live > 2 * believed:
                        conn.exec_driver_sql(f"ANALYZE {table}")
                        believed = live
                    self._believed[table], self._unlooked[table] = believed, 0
        except SQLAlchemyError:
            return  # statistics are a hint; autovacuum refreshes them in time anyway
