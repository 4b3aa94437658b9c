"""Every page of the explorer in zh-TW says its sentences in Chinese: a crawl from the home
page follows every internal link (one page per route pattern and set of query parameters, a
sample of entities and sources) and fails on any run of three or more Latin words outside an
element marked with another language (`<span lang="en" translate="no">` for a proper name
with no Chinese form, data written in English), leaving out quotes (verbatim, in their
source's language) and code. Text from modules still saying it in English would be listed in
ALLOWED, by the module that produces it."""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient

from chipwatch.server import create_app

START = "/?lang=zh-TW"
PER_PATTERN = 2  # pages fetched per route pattern and set of query parameter names
SAMPLED = {"entity": 12, "source": 4, "lists": 3}  # /entity/<id>: a sample of entities
MAX_PAGES = 160
# three Latin words in a row; a hyphenated slug (a claim id) or a URL is one code, not words
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’.-]*(?:[\s,;:()/&+–]+[A-Za-z][A-Za-z'’.-]*){2,}")
URL = re.compile(r"https?://\S+")
# not prose: scripts, code; quotes (verbatim, in their source's language, names and all); the
# <title>, which cannot hold markup and repeats the page's heading (checked in the page)
SKIP_TAGS = {"script", "style", "code", "pre", "svg", "kbd", "samp", "q", "blockquote", "title"}
ATTRS = ("title", "placeholder", "aria-label", "alt")
# Where English may still come from while its producer is converted (module -> phrases in it)
ALLOWED: dict[str, tuple[str, ...]] = {}  # empty: every producer the crawled pages show has landed


class Texts(HTMLParser):
    """The page's visible text and labelling attributes, each with the language in effect
    (the nearest `lang` attribute), leaving out scripts, styles and code."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = []  # tag, lang, skipped
        self.texts: list[tuple[str, str]] = []
        self.links: list[str] = []

    def lang(self) -> str:
        return next((lang for _, lang, _ in reversed(self.stack) if lang), "")

    def skipped(self) -> bool:
        return any(skip for _, _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        entry = (tag, a.get("lang"), tag in SKIP_TAGS)
        if tag not in self.VOID:
            self.stack.append(entry)
        lang = a.get("lang") or self.lang()
        if not self.skipped() or tag in self.VOID:
            for name in ATTRS:
                if a.get(name):
                    self.texts.append((lang, a[name]))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        if data.strip() and not self.skipped():
            self.texts.append((self.lang(), data))


def chinese(lang: str) -> bool:
    return lang.lower().startswith("zh")


def english_runs(html: str) -> list[str]:
    """Runs of 3+ Latin words in text whose language is Chinese (the page's own)."""
    p = Texts()
    p.feed(html)
    return [m.group(0) for lang, text in p.texts if chinese(lang) for m in LATIN_RUN.finditer(URL.sub(" ", text))]


def pattern(url: str) -> tuple[str, str, tuple[str, ...]]:
    """What a link is an instance of: its route (ids replaced) and its query's parameter names."""
    parts = urlsplit(url)
    segs = parts.path.strip("/").split("/")
    kind = segs[0] if segs[0] else "home"
    route = parts.path
    if kind in SAMPLED and len(segs) > 1 and not (kind == "lists" and segs[1] == "diff"):
        route = f"/{kind}/*"
    names = tuple(sorted({k for k, _ in parse_qsl(parts.query) if k != "lang"}))
    return kind, route, names


def internal(href: str) -> str | None:
    """The link as a path with its query in zh-TW, or None for another site, a download or the docs."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(("/static/", "/docs", "/redoc", "/openapi", "/api/")) or parts.path.endswith(".json"):
        return None
    query = dict(parse_qsl(parts.query))
    if query.get("format") or query.get("lang") == "en" or "lang" not in query:
        return None  # downloads, the language switch, and links that leave zh-TW (flagged below)
    return parts.path + "?" + urlencode(sorted(query.items()))


def crawl(client: TestClient) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """English runs per page, links that drop the language, and pages that failed."""
    queue, seen = [START], {START}
    per_pattern: Counter = Counter()
    per_kind: Counter = Counter()
    found: dict[str, list[str]] = {}
    dropped: list[str] = []
    failed: list[str] = []
    while queue and len(found) < MAX_PAGES:
        url = queue.pop(0)
        r = client.get(url)
        if r.status_code != 200 or not r.headers["content-type"].startswith("text/html"):
            failed.append(f"{url}: {r.status_code}")
            continue
        found[url] = english_runs(r.text)
        p = Texts()
        p.feed(r.text)
        for href in p.links:
            parts = urlsplit(href)
            if not parts.scheme and parts.path.startswith("/") and not parts.path.startswith(("/static/", "/docs")) \
                    and not parts.path.endswith(".json") and "lang=" not in parts.query:
                dropped.append(f"{url} -> {href}")
            link = internal(href)
            if link is None or link in seen:
                continue
            kind, route, names = pattern(link)
            key = (route, names)
            limit = SAMPLED.get(kind, PER_PATTERN) if route.endswith("/*") else PER_PATTERN
            if per_pattern[key] >= limit:
                continue
            per_pattern[key] += 1
            per_kind[kind] += 1
            seen.add(link)
            queue.append(link)
    return found, dropped, failed


def allowed(run: str) -> bool:
    return any(phrase in run for phrases in ALLOWED.values() for phrase in phrases)


@pytest.fixture(scope="module", params=["lists_db", "reference_db"])
def crawled(request):
    """The crawl of two stores: the bundled dataset with sanctions lists imported, and the one
    `make run` builds (with the reference dataset, so the gap and the node-year findings show)."""
    with TestClient(create_app(request.getfixturevalue(request.param)), raise_server_exceptions=False) as client:
        return crawl(client)


def test_crawl_reaches_every_page_type(crawled):
    found, _, failed = crawled
    kinds = {pattern(u)[0] for u in found}
    assert kinds >= {"home", "entity", "graph", "analysis", "chokepoints", "dependencies", "scenario", "screen", "trade",
                     "claims", "lists", "sources", "source"}, kinds
    assert sum(pattern(u)[0] == "entity" for u in found) >= 5
    assert not failed, failed


def test_links_keep_the_language(crawled):
    _, dropped, _ = crawled
    assert not dropped, dropped[:20]


def test_zh_pages_have_no_english_sentences(crawled):
    found, _, _ = crawled
    bad = {url: [r for r in runs if not allowed(r)] for url, runs in found.items()}
    bad = {url: runs for url, runs in bad.items() if runs}
    shown = "\n".join(f"{url}: {sorted(set(runs))[:8]}" for url, runs in sorted(bad.items())[:30])
    assert not bad, f"{len(bad)} zh-TW pages with English runs:\n{shown}"


@pytest.mark.parametrize("html, runs", [
    ('<p lang="zh-Hant-TW">這是 three English words</p>', ["three English words"]),
    ('<p lang="zh-Hant-TW"><span lang="en" translate="no">Baikal Electronics JSC</span>公司</p>', []),
    ('<html lang="zh-Hant-TW"><q lang="en">it was made in Zelenograd</q>，<b>Two words</b></html>', []),
    ('<html lang="zh-Hant-TW"><script>var a = b and c;</script><input placeholder="type a name"></html>', ["type a name"]),
])
def test_the_checker_reads_lang_attributes(html, runs):
    assert english_runs(html) == runs


def test_names_inside_a_generated_sentence_are_marked():
    """A sentence's proper names in another script (a plain-text value, a Name without a
    Chinese form) are marked with their language; Chinese names and the sentence are not."""
    from chipwatch.i18n.message import Msg, Name
    from chipwatch.server.wording import names_in, with_names

    msg = Msg("ui.trade.mirror", reporter=Name("Kazakhstan", "哈薩克"), partner="US Treasury OFAC")
    names = names_in(msg, "zh-TW")
    assert names == ["US Treasury OFAC"]
    html = str(with_names(msg.text("zh-TW"), names, "zh-TW"))
    assert '<span lang="en" translate="no">US Treasury OFAC</span>' in html and "哈薩克" in html
    assert english_runs(f'<p lang="zh-Hant-TW">{html}</p>') == []
    assert names_in(msg, "en") == [] and str(with_names("a < b", [], "en")) == "a &lt; b"
