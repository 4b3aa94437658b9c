"""The trade aggregations as plain SQL that DuckDB and Spark SQL both run, written once.

Every analysis starts from a *selection* of `trade_flows` (one flow direction, one side's
reporters and partners, one product or product group, a span of years), with two rules
that keep sums honest:

- one level of the HS/CN hierarchy per import: for product 8542 an import holding both
  HS-6 and CN-8 rows contributes only its coarsest level at or below 8542 (no double count);
- a group (EU27) is the group's own figure when an import reports it, else the sum of its
  members; without a side given, every country and no group is summed.

Only the big, table-shaped work happens here (filter, group, sum); the statistics on the
few hundred aggregated rows (log growth, z-scores, Chow tests) are Python on the result,
the same for both engines.
"""

from __future__ import annotations

import re

from chipwatch.trade import normalise

GROUP_CODES = tuple(normalise.groups())


def lit(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _codes(codes) -> str:
    return ", ".join(lit(c) for c in codes)


def product_filter(product: str, alias: str = "") -> str:
    """Rows of `product`: an HS/CN code (and the codes below it), TOTAL, all, or a group (chpl:1, chpl)."""
    a = f"{alias}." if alias else ""
    if product == "all":
        return "1 = 1"
    if product == normalise.TOTAL:
        return f"{a}product = 'TOTAL'"
    if product.startswith("chpl"):
        group = "group_id LIKE 'chpl:%'" if product == "chpl" else f"group_id = {lit(product)}"
        return f"{a}level >= 6 AND substr({a}product, 1, 6) IN (SELECT code FROM trade_groups WHERE {group})"
    if not re.fullmatch(r"\d{2,10}", product):
        raise ValueError(product)
    return f"{a}product LIKE {lit(product + '%')} AND {a}level >= {len(product)}"


def side_filter(col: str, code: str | None, alias: str = "") -> str:
    """Rows whose `col` (reporter or partner) is the country or group `code` (or its members)."""
    col = f"{alias}.{col}" if alias else col
    if code is None:
        return f"{col} NOT IN ({_codes(GROUP_CODES)})"
    if code in GROUP_CODES:
        members = normalise.members(code)
        return f"({col} = {lit(code)}" + (f" OR {col} IN ({_codes(members)}))" if members else ")")
    return f"{col} = {lit(code)}"


def source_filter(sources: list[str] | None, alias: str = "") -> str:
    """Rows of the imports named (an import id, or a kind: eurostat-xlsx takes all of that kind)."""
    if not sources:
        return "1 = 1"
    col = f"{alias}.source" if alias else "source"
    return "(" + " OR ".join(f"{col} = {lit(s)} OR {col} LIKE {lit(s + ':%')}" for s in sources) + ")"


def selection(name: str, *, flow: str, reporter: str | None, partner: str | None, product: str,
              first_year: int, last_year: int, monthly: bool | None = None, sources: list[str] | None = None) -> str:
    """CTEs ending in `name`: the rows of the selection, one HS level per import, groups
    counted once (their own figure when reported, else their members). Each CTE reads
    `trade_flows` itself and is used once, so engines stream the rows rather than hold them
    (two scans instead of one materialised selection)."""
    def where(a: str) -> str:
        p = f"{a}." if a else ""
        parts = [f"{p}flow = {lit(flow)}", product_filter(product, a), side_filter("reporter", reporter, a),
                 side_filter("partner", partner, a), f"{p}year BETWEEN {int(first_year)} AND {int(last_year)}",
                 source_filter(sources, a)]
        if monthly is True:
            parts.append(f"{p}month IS NOT NULL")
        elif monthly is False:
            parts.append(f"{p}month IS NULL")
        return " AND ".join(parts)

    flags, prefer = ["MIN(level) AS lvl"], ["1 = 1"]
    for col, code in (("reporter", reporter), ("partner", partner)):
        if code in GROUP_CODES and normalise.members(code):
            flags.append(f"MAX(CASE WHEN {col} = {lit(code)} THEN 1 ELSE 0 END) AS {col}_own")
            prefer.append(f"((k.{col}_own = 1 AND s.{col} = {lit(code)}) OR (k.{col}_own = 0 AND s.{col} <> {lit(code)}))")
    return f"""{name}_pick AS (
  SELECT source, {', '.join(flags)} FROM trade_flows WHERE {where("")} GROUP BY source
), {name} AS (
  SELECT s.source, s.reporter, s.partner, s.product, s.level, s.year, s.month, s.value, s.currency, s.confidential
  FROM trade_flows s JOIN {name}_pick k ON s.source = k.source AND s.level = k.lvl
  WHERE {where("s")} AND {' AND '.join(prefer)}
)"""


_SUMS = ("SUM(value) AS value, SUM(CASE WHEN confidential THEN 1 ELSE 0 END) AS hidden, COUNT(*) AS n, "
         "COUNT(DISTINCT source) AS sources")


def by_destination(*, flow: str, origin: str | None, product: str, first_year: int, last_year: int,
                   sources: list[str] | None = None) -> str:
    """Monthly (or yearly) values per destination: for exports, per partner of the reporters
    `origin`; for imports, per reporting country, from partners `origin`."""
    if flow == "export":
        sel = selection("x", flow="export", reporter=origin, partner=None, product=product,
                        first_year=first_year, last_year=last_year, sources=sources)
        dest = "partner"
    else:
        sel = selection("x", flow="import", reporter=None, partner=origin, product=product,
                        first_year=first_year, last_year=last_year, sources=sources)
        dest = "reporter"
    return f"""WITH {sel}
SELECT {dest} AS dest, currency, year, month, {_SUMS}
FROM x GROUP BY {dest}, currency, year, month"""


def mirror(*, reporter: str, partner: str | None, product: str, first_year: int, last_year: int,
           sources: list[str] | None = None) -> str:
    """What `partner` reports exporting to `reporter`, and what `reporter` reports importing
    from `partner`, by period: one row per side, currency and period."""
    x = selection("x", flow="export", reporter=partner, partner=reporter, product=product,
                  first_year=first_year, last_year=last_year, sources=sources)
    m = selection("m", flow="import", reporter=reporter, partner=partner, product=product,
                  first_year=first_year, last_year=last_year, sources=sources)
    return f"""WITH {x}, {m}
SELECT 'export' AS side, currency, year, month, {_SUMS} FROM x GROUP BY currency, year, month
UNION ALL
SELECT 'import' AS side, currency, year, month, {_SUMS} FROM m GROUP BY currency, year, month"""


def by_group(*, flow: str, origin: str | None, product: str, by: str, first_year: int, last_year: int,
             sources: list[str] | None = None) -> str:
    """Monthly values per destination and product group (the product itself, its HS-4 or
    HS-6 codes, or its CHPL tier)."""
    if flow == "export":
        sel = selection("x", flow="export", reporter=origin, partner=None, product=product,
                        first_year=first_year, last_year=last_year, monthly=True, sources=sources)
        dest = "x.partner"
    else:
        sel = selection("x", flow="import", reporter=None, partner=origin, product=product,
                        first_year=first_year, last_year=last_year, monthly=True, sources=sources)
        dest = "x.reporter"
    join = ""
    if by == "hs4":
        grp = "substr(x.product, 1, 4)"
    elif by == "hs6":
        grp = "substr(x.product, 1, 6)"
    elif by == "chpl":
        grp = "g.group_id"
        join = "JOIN trade_groups g ON g.code = substr(x.product, 1, 6) AND g.group_id LIKE 'chpl:%'"
    else:
        grp = lit(product)
    return f"""WITH {sel}
SELECT {dest} AS dest, {grp} AS grp, x.currency, x.year, x.month, SUM(x.value) AS value,
       SUM(CASE WHEN x.confidential THEN 1 ELSE 0 END) AS hidden, COUNT(*) AS n, COUNT(DISTINCT x.source) AS sources
FROM x {join}
GROUP BY {dest}, {grp}, x.currency, x.year, x.month"""
