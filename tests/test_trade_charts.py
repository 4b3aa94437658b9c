"""Trade charts: a month with nothing published (confidential, or not yet out) is a gap in
the line, never a 0 at the floor, and the chart says how many cells are confidential."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from chipwatch.trade.engine import FlowEngine
from chipwatch.trade.spikes import spikes
from chipwatch.trade.store import import_trade

MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May.", "Jun.", "Jul.", "Aug.", "Sep.", "Oct.", "Nov.", "Dec."]
REPORTERS = ("Germany (incl. German Democratic Republic 'DD' from 1991)", "France")
PARTNERS = (("Russian Federation (Russia)", "RU", 100_000, 0.1), ("Kazakhstan", "KZ", 5_000, 4.0))


def _value(year: int, month: int, reporter: str, partner: str) -> str:
    """':' where the data is not published: every cell of December 2022 (not out yet), both
    reporters' cells to Kazakhstan in June 2022 (confidential), France's to Russia in May 2022."""
    if (year, month) == (2022, 12) or ((year, month) == (2022, 6) and partner == "KZ"):
        return ":"
    if (year, month) == (2022, 5) and partner == "RU" and reporter == "France":
        return ":"
    base, post = next((b, p) for _, code, b, p in PARTNERS if code == partner)
    share = 0.7 if reporter.startswith("Germany") else 0.3
    return str(round(base * share * (post if (year, month) > (2022, 2) else 1) * (1 + month / 100)))


def _csv(path: Path) -> tuple[int, int]:
    """The file, and (confidential cells, all cells) in it."""
    hidden = cells = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"])
        for year in (2020, 2021, 2022):
            for m in range(1, 13):
                for reporter in REPORTERS:
                    for partner, code, _, _ in PARTNERS:
                        v = _value(year, m, reporter, code)
                        hidden, cells = hidden + (v == ":"), cells + 1
                        w.writerow([reporter, partner, "TOTAL-Total", "2-EXPORT", "T-Total", f"{MONTHS[m - 1]} {year}", v])
    return hidden, cells


@pytest.fixture()
def gappy(russia_db, tmp_path) -> tuple[Path, int, int]:
    store = tmp_path / "store.duckdb"
    shutil.copyfile(russia_db, store)
    (tmp_path / "csv").mkdir()
    hidden, cells = _csv(tmp_path / "csv" / "eu_exports.csv")
    import_trade(store, "eurostat-csv", tmp_path / "csv")
    return store, hidden, cells


def _points(spec: dict) -> dict[tuple[str, str], float | None]:
    return {(v["dest"], v["period"]): v["value"] for d in spec["datasets"].values() for v in d if "dest" in v}


def _line_breaks(svg: str, field: str) -> dict[str, int]:
    """Each drawn line's name (by its tooltip field) and how often it breaks (moves to a new point)."""
    paths = re.findall(rf'<path aria-label="[^"]*{field}: ([^";]+)[^"]*" role="graphics-symbol" '
                       r'aria-roledescription="line mark" d="([^"]+)"', svg)
    return {name: d.count("M") - 1 for name, d in paths}


def test_unpublished_months_are_gaps_not_the_floor(gappy):
    from vl_convert import vegalite_to_svg

    from chipwatch.trade.charts import spikes_chart

    store, _, _ = gappy
    with FlowEngine.for_store(store) as eng:
        found = spikes(eng, "TOTAL", "RU", period=(2022, 2022))
    spec = spikes_chart(found)
    points = _points(spec)
    assert points[("RU", "2022-12")] is None and points[("KZ", "2022-12")] is None  # not out yet
    assert points[("KZ", "2022-06")] is None  # every cell confidential
    assert points[("RU", "2022-05")] == float(_value(2022, 5, REPORTERS[0], "RU"))  # France's share hidden, Germany's shown
    assert points[("RU", "2022-04")] == sum(float(_value(2022, 4, r, "RU")) for r in REPORTERS)
    assert min(v for v in points.values() if v is not None) > 1000, "nothing drawn at a floor"
    layer = spec["layer"][0]
    assert layer["mark"]["invalid"] == "break-paths-filter-domains" and layer["encoding"]["y"]["scale"]["type"] == "log"
    # drawn: Kazakhstan's line breaks at June 2022 (a new M), Russia's only ends early
    svg = vegalite_to_svg(spec)
    assert _line_breaks(svg, "destination") == {"Kazakhstan": 1, "Russia": 0}
    # the same lines in Chinese: the countries by their Chinese names, the gaps where they were
    zh = vegalite_to_svg(spikes_chart(found, lang="zh-TW"))
    assert _line_breaks(zh, "目的地") == {"哈薩克": 1, "俄羅斯": 0}
    # a 0, which a log scale cannot draw, is a gap too (not a floor, not a broken axis)
    from dataclasses import replace

    zero = [{**r, "value": 0.0} if (r["dest"], r["period"]) == ("RU", "2022-04") else r for r in found.series]
    assert _points(spikes_chart(replace(found, series=zero)))[("RU", "2022-04")] is None
    # the analysis still reads the unpublished month as missing: the period ends in November
    assert found.months[-1] == (2022, 11)


def test_the_chart_says_the_share_of_confidential_cells(gappy):
    from vl_convert import vegalite_to_svg

    from chipwatch.trade.charts import confidential_share, spikes_chart

    store, hidden, cells = gappy
    assert hidden == 2 * 2 + 2 + 1 and cells == 36 * 2 * 2
    with FlowEngine.for_store(store) as eng:
        found = spikes(eng, "TOTAL", "RU", period=(2022, 2022))
    assert confidential_share(found) == (hidden, cells)
    subtitle = spikes_chart(found)["title"]["subtitle"]
    assert subtitle.startswith(f"{hidden} of {cells} cells ({100 * hidden / cells:.1f}%) confidential"), subtitle
    assert f"{100 * hidden / cells:.1f}%" in vegalite_to_svg(spikes_chart(found))
    zh = spikes_chart(found, lang="zh-TW")["title"]["subtitle"]
    assert zh.startswith(f"{cells} 個資料格中有 {hidden} 個（{100 * hidden / cells:.1f}%）為機密或尚未公布"), zh


def test_the_trade_page_draws_the_gaps_and_the_share(gappy):
    from fastapi.testclient import TestClient

    from chipwatch.server import create_app

    store, hidden, cells = gappy
    with TestClient(create_app(store)) as c:
        data = c.get("/trade.json", params={"product": "TOTAL", "baseline": "2020-2021"}).json()
        assert _points(data["spikes_chart"])[("RU", "2022-12")] is None
        assert data["spikes_chart"]["title"]["subtitle"].startswith(f"{hidden} of {cells} cells")
        page = c.get("/trade", params={"product": "TOTAL"}).text
        assert f"{100 * hidden / cells:.1f}%" in page and "<svg" in page
