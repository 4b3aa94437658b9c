"""SQL engines for the table-shaped work (ownership propagation, later batch screening and
trade aggregation): the same SQL runs on embedded DuckDB (default) or on Apache Spark
(`--engine spark`, local mode here, a cluster elsewhere). An engine holds named tables,
can append to them, and answers queries as lists of tuples."""

from __future__ import annotations

from typing import Protocol

from chipwatch.errors import ChipwatchError

ENGINES = ("duckdb", "spark")
ARROW_ROWS = 5_000  # rows from which an insert goes through Arrow


class Engine(Protocol):
    name: str

    def table(self, name: str, schema: str, rows: list[tuple]) -> None: ...
    def append(self, name: str, rows: list[tuple]) -> None: ...
    def create_as(self, name: str, sql: str) -> None: ...
    def append_query(self, name: str, sql: str) -> None: ...
    def load_parquet(self, name: str, path: str) -> None: ...
    def query(self, sql: str) -> list[tuple]: ...
    def close(self) -> None: ...


class DuckDBEngine:
    """DuckDB in memory, or on an open connection (a store opened read-only: the engine's
    own tables are temporary, so they never touch the file)."""

    name = "duckdb"

    def __init__(self, con=None):
        import duckdb

        self.own = con is None
        self.con = duckdb.connect() if con is None else con
        self.types: dict[str, list[str]] = {}

    def table(self, name: str, schema: str, rows: list[tuple]) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({schema})")
        self.types[name] = [col.split()[1] for col in schema.split(",")]
        self.append(name, rows)

    def append(self, name: str, rows: list[tuple]) -> None:
        """Rows in: a few as column lists through UNNEST (no Arrow to load), many through Arrow
        (executemany is row by row; UNNEST binds each string on its own)."""
        if not rows:
            return
        cols = [list(c) for c in zip(*rows, strict=True)]
        if len(rows) > ARROW_ROWS:
            import pyarrow as pa

            batch = pa.table({f"c{i}": col for i, col in enumerate(cols)})
            self.con.register("rows_batch", batch)
            try:
                self.con.execute(f"INSERT INTO {name} SELECT * FROM rows_batch")
            finally:
                self.con.unregister("rows_batch")
            return
        types = self.types.get(name) or [t for (t,) in self.con.execute(
            "SELECT data_type FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index", [name]).fetchall()]
        select = ", ".join(f"UNNEST(?::{t}[])" for t in types)
        self.con.execute(f"INSERT INTO {name} SELECT {select}", cols)

    def create_as(self, name: str, sql: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}")

    def append_query(self, name: str, sql: str) -> None:
        self.con.execute(f"INSERT INTO {name} {sql}")

    def load_parquet(self, name: str, path: str) -> None:
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM read_parquet(?)", [path])

    def query(self, sql: str) -> list[tuple]:
        return self.con.execute(sql).fetchall()

    def close(self) -> None:
        if self.own:
            self.con.close()
        else:
            for name in self.types:
                self.con.execute(f"DROP TABLE IF EXISTS temp.{name}")


class SparkEngine:
    """Spark SQL in local mode (`local[2]`): tables are cached temp views."""

    name = "spark"

    def __init__(self, master: str = "local[2]"):
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise ChipwatchError("--engine spark needs pyspark: pip install 'chipwatch[spark]'") from None
        self.spark = (SparkSession.builder.master(master).appName("chipwatch")
                      .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                      .config("spark.sql.shuffle.partitions", "4")
                      .config("spark.driver.memory", "2g").getOrCreate())
        self.spark.sparkContext.setLogLevel("ERROR")
        self.frames: dict = {}
        self.schemas: dict[str, str] = {}

    def table(self, name: str, schema: str, rows: list[tuple]) -> None:
        self.schemas[name] = schema.replace("VARCHAR", "STRING")
        self._set(name, self.spark.createDataFrame(rows, self.schemas[name]))

    def append(self, name: str, rows: list[tuple]) -> None:
        if rows:
            self._set(name, self.frames[name].unionByName(self.spark.createDataFrame(rows, self.schemas[name])))

    def create_as(self, name: str, sql: str) -> None:
        self._set(name, self.spark.sql(sql))

    def append_query(self, name: str, sql: str) -> None:
        self._set(name, self.frames[name].unionByName(self.spark.sql(sql)))

    def load_parquet(self, name: str, path: str) -> None:
        self._set(name, self.spark.read.parquet(path))

    def _set(self, name: str, frame) -> None:
        frame = frame.localCheckpoint()  # cut the lineage: appended rounds stay cheap
        self.frames[name] = frame
        frame.createOrReplaceTempView(name)

    def query(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.spark.sql(sql).collect()]

    def close(self) -> None:
        self.spark.stop()


def open_engine(name: str = "duckdb", con=None) -> Engine:
    """An engine by name; `con`: run DuckDB on this open connection (a store)."""
    if name == "duckdb":
        return DuckDBEngine(con)
    if name == "spark":
        return SparkEngine()
    raise ChipwatchError(f"--engine {name}: unknown; use one of {', '.join(ENGINES)}")
