"""End to end in a real browser: `chipwatch serve` on a copy of the store with the lists
imported, driven by Debian's chromium through Playwright. Home -> search -> Baikal
Electronics -> zh-TW, a scenario run from its form, screening from the form, and the
Cytoscape graph (a click on a node opens its entity). No JS errors on any page; a full-page
screenshot of each step goes to the test's tmp folder and to out/screenshots/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SHOTS = REPO / "out" / "screenshots"
WAIT_MS = 180_000  # what a page or an element may take on a busy 2-core machine: a ceiling, not a pause

pytestmark = pytest.mark.slow

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent (apt install chromium); the browser tests need it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """The test's screenshot folder; out/screenshots/ gets copies (this run's only)."""
    for old in SHOTS.glob("[0-9][0-9]*-*.png"):
        old.unlink()
    return tmp_path_factory.mktemp("screenshots")


class Tab:
    """A page that records JS errors (console errors, uncaught exceptions, failed requests)
    and takes full-page screenshots to the test folder and out/screenshots/."""

    def __init__(self, browser, base: str, shots: Path):
        self.ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        self.ctx.set_default_timeout(WAIT_MS)
        self.page = self.ctx.new_page()
        self.base, self.shots = base, shots
        self.errors: list[str] = []
        self.page.on("console", self.console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc} ({self.page.url})"))
        self.page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: self.errors.append(f"HTTP {r.status}: {r.url}")
                     if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)

    def console(self, m) -> None:
        # The pages declare no icon, so chromium asks for /favicon.ico and logs its 404: not the page's fault.
        if m.type == "error" and not m.location.get("url", "").endswith("/favicon.ico"):
            self.errors.append(f"console.{m.type}: {m.text} at {m.location.get('url')} (page {self.page.url})")

    def goto(self, path: str):
        r = self.page.goto(self.base + path, wait_until="load")
        assert r is not None and r.status == 200, (path, r and r.status)
        return r

    def shot(self, name: str) -> Path:
        self.page.wait_for_load_state("load")
        self.page.evaluate("document.fonts.ready")
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, SHOTS / path.name)
        return path

    def check_errors(self) -> None:
        assert not self.errors, "\n".join(self.errors)


@pytest.fixture()
def tab(server, browser, shots):
    t = Tab(browser, server, shots)
    yield t
    t.ctx.close()


def test_home_search_entity_and_chinese_labels(tab):
    page = tab.page
    tab.goto("/")
    assert page.locator("header nav a").first.inner_text() == "Home"
    assert page.locator(".chain .stage").count() == 4 and page.locator("table.timeline tbody tr").count() > 0
    tab.shot("01-home")
    tab.check_errors()

    page.fill("header form.search input[name=q]", "Baikal Electronics")
    with page.expect_navigation():
        page.press("header form.search input[name=q]", "Enter")
    assert "/search?q=Baikal" in page.url
    first = page.locator("ul.results li a").first
    assert first.inner_text() == "Baikal Electronics"
    tab.shot("02-search")
    with page.expect_navigation():
        first.click()
    assert page.url == tab.base + "/entity/baikal-electronics"
    assert page.locator("#entity-name").inner_text().startswith("Baikal Electronics")
    assert page.locator("#sanctions-status").inner_text().strip() == "Listed"
    assert "39178" in page.locator("main table").first.inner_text()
    assert page.locator("li.claim").count() > 5
    page.locator("li.claim details summary").first.click()  # the evidence of a claim opens
    assert page.locator("li.claim details[open] blockquote").first.is_visible()
    tab.shot("03-entity-en")
    tab.check_errors()

    with page.expect_navigation():
        page.click("#lang-switch")
    assert page.url.endswith("/entity/baikal-electronics?lang=zh-TW")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert page.locator("header nav a").first.inner_text() == "首頁"
    assert page.locator("#entity-name").inner_text().startswith("貝加爾電子")
    assert page.locator("#sanctions-status").inner_text().strip() == "列入制裁名單"
    assert page.locator("#lang-switch").inner_text() == "English"
    tab.shot("04-entity-zh")
    # the header's search keeps the language; a Russian name finds the entity, shown in Chinese
    page.fill("header form.search input[name=q]", "Байкал Электроникс")
    with page.expect_navigation():
        page.press("header form.search input[name=q]", "Enter")
    assert "lang=zh-TW" in page.url
    assert page.locator("ul.results li a").first.inner_text() == "貝加爾電子"
    tab.shot("04b-search-ru-zh")
    page.go_back()
    # links keep the language: the home page in Chinese
    with page.expect_navigation():
        page.click("header a.brand")
    assert page.url.endswith("/?lang=zh-TW") and "制裁時間軸" in page.content()
    tab.shot("05-home-zh")
    tab.check_errors()


def test_scenario_from_the_form(tab):
    page = tab.page
    tab.goto("/scenario?lang=zh-TW")
    assert page.locator("#scenario-result").count() == 0
    page.select_option("#scenario-name", "smic-stops")
    page.fill("#scenario-form input[name=draws]", "300")
    page.fill("#scenario-form input[name=seed]", "1")
    with page.expect_navigation() as nav:
        page.click("#scenario-run")  # the form also sends the assumption fields left empty: not overrides
    assert nav.value.status == 200, page.locator("main").inner_text()
    assert "name=smic-stops" in page.url and "run=true" in page.url
    assert page.locator("#scenario-result").inner_text() == "各產品需求滿足率"
    assert page.locator("#scenario-name").input_value() == "smic-stops"
    bars = page.locator(".bars .barrow")
    assert bars.count() > 0
    assert bars.locator(".range").first.is_visible() and bars.locator(".point").first.is_visible()
    assert "P50" in bars.first.locator(".barvalue").inner_text()
    assert page.locator("#scenario-limits li").count() > 0
    tab.shot("06-scenario-smic-stops-zh")
    tab.check_errors()


def test_screening_from_the_form(tab):
    page = tab.page
    tab.goto("/screen?lang=zh-TW")
    assert "ofac-2024-05-03" in page.locator("main").inner_text()
    page.fill("#screen-names", "貝加爾電子\nBakery Sunshine Ltd")
    # The first screening builds the list indexes: ~12 s on 2 cores.
    with page.expect_navigation(timeout=WAIT_MS):
        page.click("#screen-run", timeout=WAIT_MS)
    results = page.locator("#screen-results")
    assert results.is_visible()
    first = results.locator("tbody tr").first
    cells = first.locator("td").all_inner_texts()
    assert cells[0] == "貝加爾電子" and cells[2] == "39178", cells
    assert first.locator(".reason-listed").inner_text() == "列名"
    assert "貝加爾電子" in first.locator("td a").inner_text()  # linked to the knowledge-graph entity
    assert results.locator("tbody tr", has_text="Bakery Sunshine Ltd").count() >= 1
    assert page.locator("#screen-names").input_value().startswith("貝加爾電子")
    tab.shot("07-screen-zh")
    tab.check_errors()


@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_screening_on_a_phone(browser, server, shots, lang):
    """At 390 px the screening page never scrolls sideways: each hit is a card whose cells
    say what they are, in the page's language, with the review reasons and the chain."""
    phone = Tab(browser, server, shots)
    phone.page.set_viewport_size({"width": 390, "height": 844})
    page = phone.page
    phone.goto(f"/screen?lang={lang}")
    page.fill("#screen-names", "ROSTEK\n烏拉爾稀土冶金公司")
    with page.expect_navigation(timeout=WAIT_MS):
        page.click("#screen-run", timeout=WAIT_MS)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card = page.locator("#screen-results tbody tr").first
    assert card.bounding_box()["width"] <= 390
    label = page.evaluate("getComputedStyle(document.querySelector('#screen-results td'), '::before').content")
    assert label == ('"查詢"' if lang == "zh-TW" else '"Query"'), label
    text = page.locator("#screen-results").inner_text()
    assert ("低於 0.90" in text and "持股鏈" in text) if lang == "zh-TW" else ("is below 0.90" in text and "Rostec" in text)
    phone.shot(f"07b-screen-phone-{lang}")
    phone.check_errors()
    phone.ctx.close()


def test_graph_draws_and_a_node_opens_its_entity(tab):
    page = tab.page
    tab.goto("/graph?radius=2&lang=zh-TW")
    page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.nodes().length > 0")
    counts = page.evaluate("[window.chipwatchGraph.nodes().not(':parent').length, window.chipwatchGraph.edges().length]")
    twin = page.request.get(tab.base + "/graph.json?radius=2&lang=zh-TW").json()
    assert counts == [len(twin["nodes"]), len(twin["edges"])] and counts[0] > 50, counts
    assert page.locator("#cy canvas").count() > 0
    label = page.evaluate("window.chipwatchGraph.$id('baikal-electronics').data('label')")
    assert label == "貝加爾電子"
    tab.shot("08-graph-zh")

    # zoom onto Baikal Electronics and click it, as a user would
    page.evaluate("""() => { const cy = window.chipwatchGraph, n = cy.$id('baikal-electronics');
                             cy.zoom(2.5); cy.center(n); }""")
    box = page.locator("#cy").bounding_box()
    pos = page.evaluate("window.chipwatchGraph.$id('baikal-electronics').renderedPosition()")
    with page.expect_navigation():
        page.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    assert page.url == tab.base + "/entity/baikal-electronics?lang=zh-TW"
    assert page.locator("#entity-name").inner_text().startswith("貝加爾電子")
    tab.shot("09-graph-node-entity-zh")
    tab.check_errors()


def test_graph_filters_in_english(tab):
    page = tab.page
    tab.goto("/graph")
    page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.nodes().length > 0")
    everything = page.evaluate("window.chipwatchGraph.edges().length")
    page.click("#graph-filters details summary")  # the filters are folded under the focus controls
    page.check("#graph-filters input[name=status][value=fact]")
    with page.expect_navigation():
        page.click("#graph-filters button")
    assert "status=fact" in page.url
    page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.nodes().length > 0")
    statuses = page.evaluate("[...new Set(window.chipwatchGraph.edges().map(e => e.data('status')))]")
    assert statuses == ["fact"] and page.evaluate("window.chipwatchGraph.edges().length") < everything
    tab.shot("10-graph-facts-en")
    tab.check_errors()


GRAPH_STATE = """() => { const cy = window.chipwatchGraph, nodes = cy.nodes().not(':parent');
  return {nodes: nodes.length, parents: cy.nodes(':parent').map(n => n.data('stage')),
          orphans: nodes.filter(n => n.connectedEdges().length === 0 && !n.data('focus')).map(n => n.id()),
          focus: nodes.filter(n => n.data('focus')).map(n => n.id()),
          unparented: nodes.filter(n => !n.isChild()).length,
          onscreen: (() => { const e = cy.extent(), b = cy.elements().boundingBox();
                            return b.x1 >= e.x1 - 1 && b.x2 <= e.x2 + 1 && b.y1 >= e.y1 - 1 && b.y2 <= e.y2 + 1; })(),
          edges: cy.edges().length}; }"""


@pytest.mark.parametrize(("lang", "width"), [("zh-TW", 1366), ("en", 390)])
def test_graph_is_a_neighbourhood_with_legend_focus_and_table(browser, server, shots, lang, width):
    """The graph opens on one entity's neighbourhood, boxed by chain stage, with a legend,
    no entity without a relation, and the same relations as a table; the focus form (a name
    in any script) and the radius move it."""
    tab = Tab(browser, server, shots)
    tab.page.set_viewport_size({"width": width, "height": 900})
    page = tab.page
    tab.goto(f"/graph?lang={lang}")
    page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.nodes().length > 0")
    twin = page.request.get(tab.base + f"/graph.json?lang={lang}").json()
    got = page.evaluate(GRAPH_STATE)
    assert got["focus"] == [twin["focus"]] == ["baikal-electronics"], got  # the best-connected company
    assert got["nodes"] == len(twin["nodes"]) < 40 and got["edges"] == len(twin["edges"]) > 10, got
    assert got["orphans"] == [] and got["unparented"] == 0 and got["onscreen"], got
    assert set(got["parents"]) == {n["data"]["stage"] for n in twin["nodes"]} and len(got["parents"]) >= 3, got
    legend = page.locator("#graph-legend")
    assert legend.is_visible() and legend.locator("li").count() >= 5
    assert ("產業鏈" in legend.inner_text()) if lang == "zh-TW" else ("chain stage" in legend.inner_text())
    rows = page.locator("#graph-table tbody tr")
    assert rows.count() == len(twin["edges"]), (rows.count(), len(twin["edges"]))
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    tab.shot(f"11-graph-focus-{lang}-{width}")

    # centre on Mikron by its Russian name, two steps out, without stage boxes
    page.fill("#graph-focus", "Микрон")
    page.select_option("#graph-radius", "2")
    page.uncheck("#graph-group")
    with page.expect_navigation():
        page.click("#graph-filters .graph-focus button")
    assert "radius=2" in page.url and "group=none" in page.url
    page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.$id('mikron').length > 0")
    got2 = page.evaluate(GRAPH_STATE)
    assert got2["focus"] == ["mikron"] and got2["parents"] == [] and got2["orphans"] == [], got2
    assert got2["nodes"] > got["nodes"] / 2 and page.locator("#graph-focus").input_value() in ("Mikron", "米克朗")
    tab.shot(f"12-graph-mikron-r2-{lang}-{width}")

    # a row of the table centres the graph on its entity
    link = page.locator("#graph-table a.recentre").first
    target = link.get_attribute("href")
    with page.expect_navigation():
        link.click()
    page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.nodes().length > 0")
    assert page.evaluate(GRAPH_STATE)["focus"] != ["mikron"] and "focus=" in target
    tab.check_errors()
    tab.ctx.close()


def test_claims_table_sorts_filters_pages_and_downloads(tab):
    """On /claims a header click sorts, the filter form narrows (keeping the sort), the pager
    moves on, and the CSV link downloads every matching row, in the page's language."""
    import csv
    import io

    page = tab.page
    tab.goto("/claims?lang=zh-TW")
    assert page.title().startswith("全部陳述 · ")
    with page.expect_navigation():
        page.click("#claims-table thead a.sort:has-text('狀態')")
    assert "sort=status" in page.url
    statuses = page.locator("#claims-table tbody tr td:nth-child(7) .badge").all_inner_texts()
    assert statuses and statuses[0] == "有爭議", statuses[:3]  # disputed sorts first (a-z by status id)
    page.select_option("#claims-filters select[name=chapter]", "design")
    with page.expect_navigation():
        page.click("#claims-filters button")
    assert "chapter=design" in page.url and "sort=status" in page.url
    chapters = set(page.locator("#claims-table tbody tr td:nth-child(10)").all_inner_texts())
    assert chapters == {"晶片設計"}, chapters  # the chapter by its name in the page's language, not its id
    showing = page.locator(".pager .showing").inner_text()
    with page.expect_download() as got:
        page.click(".pager a.download-csv")
    rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8"))))
    assert rows and {r["chapter"] for r in rows} == {"design"} and f"符合 {len(rows)} 列" in showing
    assert [r["status"] for r in rows] == sorted(r["status"] for r in rows)
    tab.shot("13-claims-design-by-status-zh")
    with page.expect_navigation():
        page.goto(tab.base + "/claims?per_page=25")
    with page.expect_navigation():
        page.click(".pager a[rel=next]")
    assert "page=2" in page.url and page.locator("#claims-table tbody tr").count() == 25
    tab.check_errors()
