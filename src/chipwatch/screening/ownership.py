"""The 50 % rule: an entity owned 50 % or more, in aggregate, directly or indirectly, by
listed parties is treated as listed. Propagated to a fixpoint over ownership relations.

Each round is one SQL statement over two tables, `owners(owner, asset, share_pct)` and
`blocked(id)`, so the same rounds run on any SQL engine. Shares of one owner in one asset
given several times (sources, dates) count once, at the highest known value; a blocked
owner's share counts in full (OFAC guidance: percentages are not multiplied along chains).
An asset with a blocked owner of unknown share, short of 50 % on known shares, goes to review.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import duckdb

THRESHOLD = 50.0

ROUND = """
SELECT o.asset,
       sum(o.share_pct) FILTER (WHERE o.share_pct IS NOT NULL) AS known_share,
       count(*) FILTER (WHERE o.share_pct IS NULL) AS unknown_owners,
       list({'owner': o.owner, 'share_pct': o.share_pct} ORDER BY o.owner) AS via
FROM (SELECT owner, asset, max(share_pct) AS share_pct FROM owners GROUP BY owner, asset) o
JOIN blocked b ON b.id = o.owner
WHERE o.asset NOT IN (SELECT id FROM blocked)
GROUP BY o.asset
"""


@dataclass
class Ownership:
    """Why an asset is treated as listed (`owned`) or needs a human look (`review`)."""

    asset: str
    reason: str  # owned | review
    known_share: float
    unknown_owners: int
    via: list[dict]  # blocked owners: {owner, share_pct}
    round: int
    chain: list[list[dict]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def propagate(con: duckdb.DuckDBPyConnection, listed: list[str], edges: list[tuple[str, str, float | None]],
              threshold: float = THRESHOLD, max_rounds: int = 100) -> dict[str, Ownership]:
    """Assets owned (>= threshold in aggregate) by listed parties or by assets already owned,
    to a fixpoint; plus those to review. `edges` are (owner, asset, share in % or None)."""
    con.execute("CREATE OR REPLACE TEMP TABLE owners (owner VARCHAR, asset VARCHAR, share_pct DOUBLE)")
    if edges:
        con.executemany("INSERT INTO owners VALUES (?, ?, ?)", edges)
    con.execute("CREATE OR REPLACE TEMP TABLE blocked (id VARCHAR)")
    if listed:
        con.executemany("INSERT INTO blocked VALUES (?)", [[i] for i in dict.fromkeys(listed)])
    return _fixpoint(con, threshold, max_rounds)


def _fixpoint(con: duckdb.DuckDBPyConnection, threshold: float, max_rounds: int) -> dict[str, Ownership]:
    found: dict[str, Ownership] = {}
    for n in range(1, max_rounds + 1):
        rows = con.execute(ROUND).fetchall()
        new = [r for r in rows if (r[1] or 0) >= threshold]
        for asset, known, unknown, via in rows:
            reason = "owned" if (known or 0) >= threshold else "review" if unknown else None
            if reason and (asset not in found or found[asset].reason == "review"):
                found[asset] = Ownership(asset, reason, float(known or 0), int(unknown), list(via), n)
        if not new:
            break
        con.executemany("INSERT INTO blocked VALUES (?)", [[r[0]] for r in new])
    for item in found.values():
        item.chain = _chain(item, found)
    return found


def _chain(item: Ownership, found: dict[str, Ownership], depth: int = 0) -> list[list[dict]]:
    """Each path from a listed party down to the asset, as steps {owner, asset, share_pct}."""
    paths = []
    for v in item.via:
        step = {"owner": v["owner"], "asset": item.asset, "share_pct": v["share_pct"]}
        upstream = found.get(v["owner"])
        if upstream and upstream.reason == "owned" and depth < 20:
            paths += [p + [step] for p in _chain(upstream, found, depth + 1)]
        else:
            paths.append([step])
    return paths
