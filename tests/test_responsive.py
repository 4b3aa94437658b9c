"""Every page type of the explorer in a real browser (Debian's chromium through Playwright),
in zh-TW and en, at 390 px (a phone) and 1366 px (a laptop): the page never scrolls
sideways, its <title> says which page it is (not just "chipwatch"), and the status badges,
list results and other coloured labels reach WCAG AA contrast (4.5:1), computed from the
colours the browser applied. A screenshot of each goes to out/screenshots/responsive/."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update"]
SHOTS = REPO / "out" / "screenshots" / "responsive"
WAIT_MS = 180_000

pytestmark = pytest.mark.slow

if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent (apt install chromium); the browser tests need it", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")

# one URL per page type; the element each must show, so an error page cannot pass
PAGES = {
    "home": ("/", ".chain .stage"),
    "entity": ("/entity/baikal-electronics", "#entity-name"),
    "search": ("/search?q=Baikal", "ul.results li"),
    "graph": ("/graph", "#cy"),
    "analysis": ("/analysis", "#chokepoints"),
    "dependencies": ("/dependencies", "#period"),
    "scenario": ("/scenario?name=smic-stops&run=true&draws=100&seed=1", ".bars .barrow"),
    "screen": ("/screen?name=Baikal%20Electronics&name=ROSTEK", "#screen-results"),
    "trade": ("/trade", "main h1"),
    "sources": ("/sources", "main table"),
    "source": ("/source/cier-2025-yang", "li.claim"),
    "claims": ("/claims", "#claims-table"),
    "lists": ("/lists", "#lists-table"),
    "list-entries": ("/lists/ofac-2024-05-03?q=rostec", "#entries-table"),
    "list-diff": ("/lists/diff?old=ftm-2026-06-01&new=ofac-2024-05-03", "#diff-table"),
    "chokepoints": ("/chokepoints?kind=single_source", "#chokepoints-table"),
    "error": ("/entity/nobody-at-all?x=1", "#error-message"),  # the 404 page
}
WIDTHS = (390, 1366)

# WCAG 2.x contrast of each element's text against the first opaque background behind it
CONTRAST_JS = """(selectors) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
                               return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const bg = (el) => { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
                         if (c.length === 3 || c[3] > 0.99) return c.slice(0, 3); } return [255, 255, 255]; };
  const out = [];
  for (const el of document.querySelectorAll(selectors)) {
    if (!el.getClientRects().length || !el.textContent.trim()) continue;
    const fg = rgb(getComputedStyle(el).color).slice(0, 3), b = bg(el);
    const [hi, lo] = [lum(fg), lum(b)].sort((x, y) => y - x);
    out.push({text: el.textContent.trim().slice(0, 30), cls: el.className, ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return out;
}"""
CHECKED = ".badge, .reason, .sanctions-status, .note, .predicate, .qualifier, .dates, header a, footer, small, .change"


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["zh-TW", "en"])
def test_every_page_fits_is_titled_and_readable(browser, server, lang, width):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    ctx.set_default_timeout(WAIT_MS)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc} ({page.url})"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems, titles = [], {}
    for kind, (path, must) in PAGES.items():
        url = server + path + ("&" if "?" in path else "?") + "lang=" + lang
        r = page.goto(url, wait_until="load")
        assert r is not None and r.status == (404 if kind == "error" else 200), (url, r and r.status)
        assert page.locator(must).count() > 0, (kind, must)
        if kind == "graph":
            page.wait_for_function("window.chipwatchGraph && window.chipwatchGraph.nodes().length > 0")
        page.evaluate("document.fonts.ready")
        scroll = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll[0] > scroll[1]:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')].filter(e => {
                const r = e.getBoundingClientRect(); return r.right > window.innerWidth + 1 && r.width > 0; })
                .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
            problems.append(f"{kind}: scrolls sideways {scroll} ({wide})")
        title = page.title()
        titles[kind] = title
        if title.strip() in ("chipwatch", "chipwatch 晶片供應鏈觀測") or " · " not in title:
            problems.append(f"{kind}: title {title!r} does not name the page")
        for got in page.evaluate(CONTRAST_JS, CHECKED):
            if got["ratio"] < 4.5:
                problems.append(f"{kind}: contrast {got['ratio']:.2f} < 4.5 for {got['cls']!r} {got['text']!r}")
        page.screenshot(path=str(SHOTS / f"{kind}-{lang}-{width}.png"), full_page=width == 390)
    assert not problems, "\n".join(dict.fromkeys(problems))
    assert len(set(titles.values())) >= len(PAGES) - 1, titles  # each page type its own title (graph/claims may share none)
    assert not errors, errors
    if width == 390:  # the scenario bars keep their width on a phone
        page.goto(server + PAGES["scenario"][0] + "&lang=" + lang, wait_until="load")
        track = page.locator(".bars .barrow .track").first.bounding_box()
        assert track["width"] >= 150, track
    ctx.close()
