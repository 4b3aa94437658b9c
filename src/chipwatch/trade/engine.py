"""Where the trade SQL runs: DuckDB (default) or Spark local mode (`--engine spark`), over
the store's trade tables or over a Parquet file of flows (the benchmark's 100M rows).

DuckDB attaches the store read-only and reads it in place. Spark gets the store's trade
tables as Parquet written by DuckDB into a temporary folder (removed on close), and reads
Parquet files directly. Both expose `trade_flows` and `trade_groups` to the same SQL
(chipwatch.trade.sql) and answer with lists of tuples.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from chipwatch.engines import ENGINES, open_engine
from chipwatch.errors import ChipwatchError
from chipwatch.store.read import Store
from chipwatch.trade.store import has_tables

NO_TRADE = "no trade data in the store; import some first: chipwatch trade import eurostat-xlsx FILE"
GROUP_SCHEMA = "group_id VARCHAR, code VARCHAR, label VARCHAR, source VARCHAR"


def _quote_path(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


class FlowEngine:
    """A SQL engine with `trade_flows` (and `trade_groups`) to query."""

    def __init__(self, name: str = "duckdb"):
        if name not in ENGINES:
            raise ChipwatchError(f"--engine {name}: unknown; use one of {', '.join(ENGINES)}")
        self.name = name
        self.eng = open_engine(name)
        self._tmp: Path | None = None
        if name == "duckdb":
            self.eng.con.execute("SET enable_progress_bar = false")

    @classmethod
    def for_store(cls, db: str | Path, name: str = "duckdb") -> FlowEngine:
        db = Path(db)
        with Store(db) as store:  # a clear error if it is not a store
            if not has_tables(store.con) or not store.con.execute("SELECT count(*) FROM trade_flows").fetchone()[0]:
                raise ChipwatchError(NO_TRADE)
        engine = cls(name)
        try:
            engine.attach_store(db)
        except BaseException:
            engine.close()
            raise
        return engine

    def attach_store(self, db: Path) -> None:
        if self.name == "duckdb":
            con = self.eng.con
            con.execute(f"ATTACH {_quote_path(db)} AS store (READ_ONLY)")
            con.execute("CREATE OR REPLACE VIEW trade_flows AS SELECT * FROM store.trade_flows")
            con.execute("CREATE OR REPLACE VIEW trade_groups AS SELECT * FROM store.trade_groups")
            return
        self._tmp = Path(tempfile.mkdtemp(prefix="chipwatch-trade-"))
        src = duckdb.connect(str(db), read_only=True)
        try:
            src.execute("SET enable_progress_bar = false")
            for table in ("trade_flows", "trade_groups"):
                src.execute(f"COPY (SELECT * FROM {table}) TO {_quote_path(self._tmp / (table + '.parquet'))} (FORMAT parquet)")  # noqa: S608
        finally:
            src.close()
        self._spark_view("trade_flows", self._tmp / "trade_flows.parquet")
        self._spark_view("trade_groups", self._tmp / "trade_groups.parquet")

    def attach_parquet(self, flows: str | Path, groups: list[tuple[str, str, str, str]] | None = None) -> None:
        """Flows from a Parquet file (or folder of files) with the trade_flows columns."""
        if self.name == "duckdb":
            self.eng.con.execute(f"CREATE OR REPLACE VIEW trade_flows AS SELECT * FROM read_parquet({_quote_path(Path(flows))})")
        else:
            self._spark_view("trade_flows", Path(flows))
        self.eng.table("trade_groups", GROUP_SCHEMA, list(groups or []))

    def _spark_view(self, name: str, path: Path) -> None:
        self.eng.spark.read.parquet(str(path)).createOrReplaceTempView(name)

    def query(self, sql: str) -> list[tuple]:
        return self.eng.query(sql)

    def close(self) -> None:
        self.eng.close()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> FlowEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
