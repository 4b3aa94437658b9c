"""The 50 % rule: an entity owned 50 % or more, in aggregate, directly or indirectly, by
listed parties is treated as listed. Propagated to a fixpoint over ownership relations.

Written once in plain SQL over two tables, `owners(owner, asset, share_pct)` and
`blocked(id, round)`, so the same rounds run on DuckDB and on Spark (chipwatch.engines).
Shares of one owner in one asset given several times (sources, dates) count once, at the
highest known value; a blocked owner's share counts in full (OFAC guidance: percentages
are not multiplied along chains). An asset with a blocked owner of unknown share, short of
50 % on known shares, goes to review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from chipwatch.engines import Engine, open_engine

THRESHOLD = 50.0
HOLDINGS = "(SELECT owner, asset, MAX(share_pct) AS share_pct FROM owners GROUP BY owner, asset)"
ROUND = f"""
SELECT o.asset,
       SUM(CASE WHEN o.share_pct IS NULL THEN 0 ELSE o.share_pct END) AS known_share,
       SUM(CASE WHEN o.share_pct IS NULL THEN 1 ELSE 0 END) AS unknown_owners
FROM {HOLDINGS} o
JOIN blocked b ON b.id = o.owner
LEFT JOIN blocked x ON x.id = o.asset
WHERE x.id IS NULL
GROUP BY o.asset
"""
VIA = f"""
SELECT o.asset, o.owner, o.share_pct FROM {HOLDINGS} o JOIN blocked b ON b.id = o.owner
ORDER BY o.asset, o.owner
"""


@dataclass
class Ownership:
    """Why an asset is treated as listed (`owned`) or needs a human look (`review`)."""

    asset: str
    reason: str  # owned | review
    known_share: float
    unknown_owners: int
    round: int
    via: list[dict] = field(default_factory=list)  # blocked owners: {owner, share_pct}
    chain: list[list[dict]] = field(default_factory=list)  # listed party -> … -> asset

    def to_dict(self) -> dict:
        return asdict(self)


def propagate(listed: list[str], edges: list[tuple[str, str, float | None]], engine: Engine | str = "duckdb",
              threshold: float = THRESHOLD, max_rounds: int = 100) -> dict[str, Ownership]:
    """Assets owned (>= threshold in aggregate) by listed parties or by assets already owned,
    to a fixpoint; plus those to review. `edges` are (owner, asset, share in % or None)."""
    eng = open_engine(engine) if isinstance(engine, str) else engine
    try:
        eng.table("owners", "owner VARCHAR, asset VARCHAR, share_pct DOUBLE", list(edges))
        eng.table("blocked", "id VARCHAR, round INTEGER", [(i, 0) for i in dict.fromkeys(listed)])
        found = rounds(eng, threshold, max_rounds)
    finally:
        if isinstance(engine, str):
            eng.close()
    for item in found.values():
        item.chain = _chain(item, found)
    return found


def rounds(eng: Engine, threshold: float = THRESHOLD, max_rounds: int = 100, details: bool = True) -> dict[str, Ownership]:
    """Run the rounds on tables `owners` and `blocked` already in the engine. Each round's
    new owned assets are appended to `blocked` inside the engine; with `details`, every
    owned or review asset comes back with the blocked owners it has (for chains)."""
    found: dict[str, Ownership] = {}
    owned = f"SELECT asset AS id, {{n}} AS round FROM round_result WHERE known_share >= {float(threshold)}"
    for n in range(1, max_rounds + 1):
        eng.create_as("round_result", ROUND)
        new = eng.query(f"SELECT count(*) FROM round_result WHERE known_share >= {float(threshold)}")[0][0]
        if details or not new:
            for asset, known, unknown in eng.query(f"SELECT * FROM round_result WHERE known_share >= {float(threshold)}"
                                                   + ("" if new else " OR unknown_owners > 0")):
                found[asset] = Ownership(asset, "owned" if new else "review", float(known or 0), int(unknown), n)
        if not new:
            break
        eng.append_query("blocked", owned.format(n=n))
    if details:
        for asset, owner, share in eng.query(VIA):
            if asset in found:
                found[asset].via.append({"owner": owner, "share_pct": share})
    return found


def _chain(item: Ownership, found: dict[str, Ownership], depth: int = 0) -> list[list[dict]]:
    """Each path from a listed party down to the asset, as steps {owner, asset, share_pct}."""
    paths = []
    for v in item.via:
        step = {"owner": v["owner"], "asset": item.asset, "share_pct": v["share_pct"]}
        upstream = found.get(v["owner"])
        if upstream and upstream.reason == "owned" and upstream.round < item.round and depth < 20:
            paths += [p + [step] for p in _chain(upstream, found, depth + 1)]
        else:
            paths.append([step])
    return paths


def captions(store, version: str) -> dict[str, str]:
    """List id -> caption for one list version (to name the parties of a chain)."""
    return dict(store.con.execute("SELECT list_id, caption FROM list_entries WHERE version = ?", [version]).fetchall())


# A stake counts on a day when it had begun and not yet ended (dates as precise as the source
# gives them: "2023" ends with 2023).
CURRENT = ("(start_date IS NULL OR start_date <= left($day, length(start_date))) "
           "AND (end_date IS NULL OR end_date >= left($day, length(end_date)))")


def owned_in_version(store, version: str, engine: str = "duckdb", as_of: str | None = None) -> dict[str, Ownership]:
    """The 50 % rule over one list version's relations (FtM Ownership entities) as they
    stand on `as_of` (default: today; stakes that ended before do not count): the entries
    with a program are the listed parties."""
    from datetime import date

    from chipwatch.errors import ChipwatchError

    if version not in store.list_versions():
        raise ChipwatchError(f"no list version '{version}'; `chipwatch lists` shows them")
    listed = [r[0] for r in store.con.execute(
        "SELECT list_id FROM list_entries WHERE version = ? AND len(programs) > 0", [version]).fetchall()]
    edges = store.con.execute(f"SELECT owner, asset, share_pct FROM list_relations WHERE version = $v AND kind = 'ownership' "
                              f"AND {CURRENT}", {"v": version, "day": as_of or date.today().isoformat()}).fetchall()
    if engine not in ("duckdb", "spark", "memory"):
        open_engine(engine)  # the one-line error naming the engines
    return propagate(listed, edges, "spark" if engine == "spark" else "duckdb")
