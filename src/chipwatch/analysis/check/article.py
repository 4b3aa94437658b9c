"""The article's own slips, each a finding with the claims that quote it:

- spelling_variant: an entity's Han name spelled two ways (安斯特雷姆 and 安斯特朗姆);
- wrong_class: things put in a class they do not belong to (titanium and niobium called
  rare earths, 鈦、鈮等稀土金屬);
- garbled_text: characters that cannot be what they stand for (鑛 where an element is
  expected, the same item listed twice, 鈾、鈾);
- title_url_mismatch: a footnote whose title and URL name different things
  (Collaboration / collusion);
- founding_date_differs: a founding year against the establishment date of the sanctions
  list entry linked by identifiers (Mikron 1964 against 1994).

Driven by terms.yaml (`article`); nothing here knows a claim id."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlparse

from chipwatch.analysis.check.common import Finding, finding
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.check.text import HAN
from chipwatch.analysis.wording import Listed
from chipwatch.i18n.message import Msg, Name

_LATIN = re.compile(r"[a-z]+")


def _rules(ctx: Context) -> dict:
    return ctx.terms["article"]


def _quotes(ctx: Context) -> list[tuple[str, str]]:
    """(claim id, quote) for every quote of a source read in full (not one known only by
    the title another prints)."""
    held = {s for s, src in ctx.sources.items() if src["held"] or not src["cited_in"]}
    return [(c["id"], e["quote"]) for c in ctx.claims.values() for e in c["evidence"] if e["source"] in held]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def spelling_variants(ctx: Context) -> Iterable[Finding]:
    most = _rules(ctx)["han_variant_max_substitutions"]
    quotes = [(cid, _squash(q)) for cid, q in _quotes(ctx)]
    by_entity: dict[str, dict[str, list[str]]] = {}
    for n in ctx.names:
        if n["entity_id"] in ctx.entities and HAN.search(n["name"]) and n["kind"] in ("name", "alias"):
            by_entity.setdefault(n["entity_id"], {}).setdefault(n["kind"], []).append(_squash(n["name"]))
    for eid, kinds in sorted(by_entity.items()):
        for name in kinds.get("name", []):
            for alias in kinds.get("alias", []):
                diff = sum(a != b for a, b in zip(name, alias, strict=False)) if len(name) == len(alias) else None
                if not diff or diff > most or 3 * diff > len(name):  # 俄軍 / 軍方: two other words
                    continue
                claims = sorted({cid for cid, q in quotes if alias in q})
                if not claims:
                    continue
                msg = Msg(f"check.spelling_variant.{'many' if diff > 1 else 'one'}", who=ctx.name(eid), name=name,
                          alias=alias, n=diff)
                yield finding("spelling_variant", "warning", msg, claims,
                              {"entity": eid, "name": name, "variant": alias, "differences": diff})


def wrong_classes(ctx: Context) -> Iterable[Finding]:
    for cls, spec in _rules(ctx)["classes"].items():
        for marker in spec["markers"]:
            pattern = re.compile(r"((?:[\u4e00-\u9fff]{1,2}[、，,])*[\u4e00-\u9fff]{1,2})等" + re.escape(marker))
            found: dict[tuple[str, ...], set[str]] = {}
            for cid, quote in _quotes(ctx):
                for m in pattern.finditer(_squash(quote)):
                    items = [x[-1] if len(x) == 2 and x[-1] in spec["non_members"] else x for x in re.split(r"[、，,]", m[1])]
                    wrong = tuple(x for x in items if x in spec["non_members"])
                    if wrong:
                        found.setdefault(wrong, set()).add(cid)
            for wrong, claims in sorted(found.items()):
                named = Listed([Msg("check.element", en=spec["non_members"][x], zh=x) for x in wrong], "and")
                members = Listed([Name(en, zh) for zh, en in list(spec["members"].items())[:4]])
                msg = Msg(f"check.wrong_class.{'many' if len(wrong) > 1 else 'one'}", named=named,
                          cls=Name(spec["en"], spec["zh-TW"]), marker=marker, members=members, n=len(spec["members"]))
                yield finding("wrong_class", "warning", msg, sorted(claims),
                              {"class": cls, "not_members": list(wrong), "marker": marker})


def garbled(ctx: Context) -> Iterable[Finding]:
    rules = _rules(ctx)
    seen: dict[str, dict] = {}
    for cid, quote in _quotes(ctx):
        text = _squash(quote)
        for ch, meaning in rules["not_elements"].items():
            hits = [p.format(c=ch) for p in rules["element_contexts"] if p.format(c=ch) in text]
            if hits:
                what = Msg("check.garbled.not_element", ch=ch, hits=Listed(hits),
                           meaning=Msg("check.meaning", en=meaning["en"], zh=meaning["zh-TW"]))
                seen.setdefault(f"not-element:{ch}", {"what": what, "claims": set()})["claims"].add(cid)
        for m in re.finditer(r"([\u4e00-\u9fff]{1,3})、\1(?=[等、）)]|$)", text):
            what = Msg("check.garbled.twice", text=m[0])
            seen.setdefault(f"twice:{m[1]}", {"what": what, "claims": set()})["claims"].add(cid)
    for key, g in sorted(seen.items()):
        yield finding("garbled_text", "warning", Msg("check.garbled", what=g["what"]), sorted(g["claims"]), {"key": key})


def _inflected(a: str, b: str) -> bool:
    """One word in two forms (finance / financial, russia / russias): they share all but
    the last three letters of the shorter."""
    common = len(next((a[:i] for i in range(min(len(a), len(b)), 0, -1) if a[:i] == b[:i]), ""))
    return common >= min(len(a), len(b)) - 3


def title_url_mismatches(ctx: Context) -> Iterable[Finding]:
    rules = _rules(ctx)
    stop, prefix = set(rules["url_stop_words"]), rules["url_title_prefix"]
    urls = dict(ctx.store.con.execute("SELECT id, url FROM sources WHERE url IS NOT NULL").fetchall())
    for sid, url in sorted(urls.items()):
        s = ctx.sources.get(sid)
        title = (s or {}).get("title") or ""
        if not s or s["footnote"] is None or re.search(r"[^\x00-\x7f\u2010-\u2014\u2018-\u201d]", title):
            continue  # Latin-script titles only: a transliterated slug is no mismatch
        title_words = set(_LATIN.findall(title.casefold().replace("'", "").replace("\u2019", "")))
        slug = set(_LATIN.findall(urlparse(url).path.casefold())) - stop
        for word in sorted(slug - title_words):
            pairs = sorted(t for t in title_words - slug if len(word) >= prefix and t[:prefix] == word[:prefix]
                           and not _inflected(t, word))
            if pairs:
                claims = sorted(c["id"] for c in ctx.claims.values() if any(e["source"] == sid for e in c["evidence"]))
                msg = Msg("check.title_url_mismatch", source=ctx.source_name(sid), title_word=pairs[0], url_word=word, url=url)
                yield finding("title_url_mismatch", "warning", msg, claims,
                              {"source": sid, "title": title, "url": url, "title_word": pairs[0], "url_word": word})


def founding_dates(ctx: Context) -> Iterable[Finding]:
    pattern = re.compile(_rules(ctx)["established_pattern"])
    if not ctx.store.list_versions():
        return
    rows = ctx.store.con.execute(
        """SELECT i.entity_id, e.version, e.list_id, e.remarks FROM identifiers i
           JOIN list_entries e ON e.list_id = i.value AND i.scheme = 'ofac_ent_num'
           JOIN list_versions v ON v.id = e.version AND v.kind = 'ofac'
           ORDER BY v.date DESC""").fetchall()
    latest: dict[str, tuple[str, str, str]] = {}
    for eid, version, list_id, remarks in rows:
        if remarks and eid not in latest and (m := pattern.search(remarks)):
            latest[eid] = (version, list_id, m[1])
    for c in ctx.claims.values():
        if c["predicate"] != "founded" or c["subject"] not in latest or not c["value_text"]:
            continue
        version, list_id, year = latest[c["subject"]]
        said = str(c["value_text"]).strip('"')[:4]
        if said != year:
            msg = Msg("check.founding_date_differs", who=ctx.name(c["subject"]), said=said, version=version,
                      list_id=list_id, year=year)
            yield finding("founding_date_differs", "warning", msg, [c["id"]],
                          {"entity": c["subject"], "article_year": said, "list_year": year, "version": version,
                           "list_id": list_id})


def article_slips(ctx: Context) -> list[Finding]:
    return [*spelling_variants(ctx), *wrong_classes(ctx), *garbled(ctx), *title_url_mismatches(ctx), *founding_dates(ctx)]
