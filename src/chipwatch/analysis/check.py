"""Consistency checks over a built store: what the claims, their quotes and their sources
say that does not fit together, each finding in one plain sentence with the claims behind it.

Kinds of finding:
- internal_contradiction: one claim states its value two ways that disagree (a purity given
  as 6N and, in the same breath, as 99.999999 %, which is eight nines);
- footnote_disagrees: a source we know only by its title (a footnote) names another thing of
  the same kind as the text citing it (argon where the sentence says hydrogen; the Urals
  where it says Irkutsk Oblast);
- name_variant: a quote spells an entity of its claim as a near miss of that entity's names
  (Nitel for Nitol, Hanyang for Hangyang);
- conflicting_values: claims that give one subject different values where one is expected at a
  time, a disputed claim beside the claim it disputes, a node outside the process range;
- number_not_in_quote: a value, qualifier number or date of a claim that none of its quotes
  contains (after the usual equivalences: 5 千 = 5000, 2.5 億 = 250000000);
- dangling_reference: a claim, evidence row, name or identifier pointing at nothing in the store.

Severity: `error` when the store itself is inconsistent (a claim contradicting itself, two
undisputed claims asserting incompatible facts, a reference to nothing); `warning` when sources
disagree (known, i.e. marked disputed, or not) or a figure is not in its quotes; `info` for
dates that come from the surrounding text rather than the quote.

Everything is driven by the store and by terms.yaml (words, groups, tolerances); nothing here
knows a claim id. Entry point: `check(store)`.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import yaml

from chipwatch.errors import ChipwatchError
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import UNITS_FILE, parse_purity
from chipwatch.model.vocabulary import vocabulary
from chipwatch.names.normalize import name_key
from chipwatch.store.read import Store

TERMS = Path(__file__).with_name("terms.yaml")


@cache
def terms() -> dict:
    """The terms table (terms.yaml), loaded once."""
    return yaml.safe_load(TERMS.read_text(encoding="utf-8"))


@cache
def _multipliers() -> list[tuple[str, float]]:
    """Number words (千, 億, million …) from units.yaml, longest first."""
    table = yaml.safe_load(UNITS_FILE.read_text(encoding="utf-8"))["multipliers"]
    return sorted(((w.casefold(), f) for w, f in table.items()), key=lambda kv: -len(kv[0]))


@dataclass
class Finding:
    """One inconsistency: what kind, how serious, a sentence, the claims and the particulars."""

    kind: str
    severity: str  # error | warning | info
    message: str
    claims: list[str]
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


def check(store: Store, min_severity: str | None = None) -> list[Finding]:
    """Run every consistency check over the store; findings sorted by severity, then kind.
    With `min_severity` (error, warning, info), only findings at least that severe."""
    severities = terms()["severities"]
    if min_severity is not None and min_severity not in severities:
        raise ChipwatchError(f"severity {min_severity}: use one of {', '.join(severities)}")
    ctx = _Context(store)
    findings = [
        *_dangling_references(ctx),
        *_internal_contradictions(ctx),
        *_footnote_disagreements(ctx),
        *_name_variants(ctx),
        *_conflicting_values(ctx),
        *_numbers_not_in_quotes(ctx),
    ]
    order = {s: i for i, s in enumerate(severities)}
    if min_severity is not None:
        findings = [f for f in findings if order.get(f.severity, len(order)) <= order[min_severity]]
    return sorted(findings, key=lambda f: (order.get(f.severity, len(order)), f.kind,
                                           f.claims[0] if f.claims else "", f.message))


# -- loading -----------------------------------------------------------------------------------

def _fetch(store: Store, query: str) -> list[dict]:
    cur = store.con.execute(query)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


class _Context:
    """The store's rows, loaded once, with the lookups the checks share."""

    def __init__(self, store: Store):
        self.store = store
        self.vocab = vocabulary()
        self.terms = terms()
        self.entities = {e["id"]: e for e in _fetch(store, "SELECT id, type, label_en, label_zh FROM entities")}
        self.sources = {s["id"]: s for s in _fetch(
            store, "SELECT id, title, author, publisher, date, kind, held, cited_in, footnote FROM sources")}
        self.names = _fetch(store, "SELECT entity_id, name, lang, kind, key FROM names")
        self.claims: dict[str, dict] = {}
        for c in _fetch(store, """SELECT id, subject, predicate, object, value_json, value_num, value_min,
                                         value_max, value_text, unit, approx, as_written, qualifiers,
                                         valid_from, valid_to, status, note FROM claims ORDER BY id"""):
            c["q"] = _json(c["qualifiers"]) or {}
            c["evidence"] = []
            self.claims[c["id"]] = c
        self.orphan_evidence: list[dict] = []
        for e in _fetch(store, "SELECT claim_id, seq, source, locator, quote FROM evidence ORDER BY claim_id, seq"):
            claim = self.claims.get(e["claim_id"])
            (claim["evidence"] if claim else self.orphan_evidence).append(e)
        self._lexicon: _Lexicon | None = None
        self._contains: dict[str, set[str]] | None = None

    # labels ----------------------------------------------------------------------------------
    def label(self, concept: str) -> str:
        if concept.startswith("term:"):
            return concept.split(":", 2)[2]
        e = self.entities.get(concept)
        return e["label_en"] if e and e["label_en"] else concept

    def source_label(self, source_id: str, capital: bool = True) -> str:
        s = self.sources.get(source_id)
        if s is None:
            return f"source {source_id}"
        if s["footnote"] is not None and s["cited_in"]:
            return f"{'F' if capital else 'f'}ootnote {s['footnote']}"
        who = s["author"] or s["publisher"]
        return f"{who} ({s['date']})" if who and s["date"] else who or f"“{s['title']}”"

    def predicate_phrase(self, predicate: str) -> str:
        """The predicate's meaning in English without its parenthetical remarks."""
        p = self.vocab.predicates.get(predicate)
        return re.sub(r"\s*\([^)]*\)", "", p.en).strip() if p else predicate

    def entity_ids(self, claim: dict) -> set[str]:
        """Subject, object and entity-valued qualifiers of a claim."""
        out = {claim["subject"]}
        if claim["object"]:
            out.add(claim["object"])
        for key in self.vocab.entity_qualifiers.intersection(claim["q"]):
            out.update(_as_list(claim["q"][key]))
        return {x for x in out if isinstance(x, str)}

    def evidence_view(self, claim: dict) -> list[dict]:
        return [{"source": e["source"], "source_label": self.source_label(e["source"]),
                 "locator": e["locator"], "quote": e["quote"]} for e in claim["evidence"]]

    @property
    def lexicon(self) -> _Lexicon:
        if self._lexicon is None:
            self._lexicon = _Lexicon(self)
        return self._lexicon

    def contained(self, a: str, b: str) -> bool:
        """True if a lies inside b or b inside a (located_in / part_of, not disputed)."""
        return b in self._outer(a) or a in self._outer(b)

    def _outer(self, node: str) -> set[str]:
        """Everything `node` lies inside, following containment claims transitively."""
        if self._contains is None:
            preds = set(self.terms["footnotes"]["containment_predicates"])
            self._edges: dict[str, set[str]] = defaultdict(set)
            for c in self.claims.values():
                if c["predicate"] in preds and c["object"] and c["status"] != "disputed":
                    self._edges[c["subject"]].add(c["object"])
            self._contains = {}
        if node not in self._contains:
            seen, stack = set(), [node]
            while stack:
                for nxt in self._edges.get(stack.pop(), ()):
                    if nxt not in seen:
                        seen.add(nxt)
                        stack.append(nxt)
            self._contains[node] = seen
        return self._contains[node]


def _json(text):
    if text is None:
        return None
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return None


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _period(valid_from: str | None, valid_to: str | None):
    start = PartialDate.parse(valid_from).start if valid_from else None
    end = PartialDate.parse(valid_to).end if valid_to else None
    return start, end


def _overlap(a: dict, b: dict) -> bool:
    try:
        a0, a1 = _period(a["valid_from"], a["valid_to"])
        b0, b1 = _period(b["valid_from"], b["valid_to"])
    except ValueError:
        return True
    return not ((a1 and b0 and a1 < b0) or (b1 and a0 and b1 < a0))


# -- text: folding, words, names -------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")


def _fold(text: str) -> str:
    """Case- and width-folded text, one character for one (so spans map back to the text)."""
    out = []
    for ch in text:
        f = unicodedata.normalize("NFKC", ch).casefold()
        out.append(f if len(f) == 1 else ch.lower())
    return "".join(out).replace("ё", "е")


def _words(text: str) -> list[tuple[str, int, int]]:
    """Runs of letters and digits in a folded text, with their spans (Han excluded)."""
    return [(m[0], m.start(), m.end()) for m in _WORD.finditer(text) if not _HAN.search(m[0])]


@cache
def _endings() -> tuple[str, ...]:
    return tuple(sorted(terms()["inflection"]["ru"]["endings"], key=len, reverse=True))


def _stem(word: str) -> str:
    rules = terms()["inflection"]["ru"]
    for ending in _endings():
        if word.endswith(ending) and len(word) - len(ending) >= rules["min_stem"]:
            return word[: -len(ending)]
    return word


def _word_matches(text_word: str, name_word: str) -> bool:
    """Equal, or (Russian) the same word inflected: аргона ~ аргон, кремния ~ кремний."""
    if text_word == name_word:
        return True
    if not (_CYRILLIC.search(text_word) and _CYRILLIC.search(name_word)):
        return False
    rules = terms()["inflection"]["ru"]
    if (len(name_word) >= rules["min_stem"] and text_word.startswith(name_word)
            and len(text_word) - len(name_word) <= rules["max_suffix"]):
        return True
    stem = _stem(text_word)
    return len(stem) >= rules["min_stem"] and stem == _stem(name_word)


@dataclass(frozen=True)
class _Mention:
    concept: str  # an entity id, or term:<group>:<term>
    surface: str  # as written in the text
    start: int
    end: int


class _Lexicon:
    """Entity names (any script, aliases included) and contrast terms, found in free text."""

    def __init__(self, ctx: _Context):
        self.ctx = ctx
        self.han: dict[str, dict[str, set[str]]] = defaultdict(dict)  # first char -> name -> entities
        self.words: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)  # prefix -> names
        self.term_han: dict[str, dict[str, set[str]]] = defaultdict(dict)
        self.term_words: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self.group: dict[str, str] = {}  # concept -> contrast group
        for n in ctx.names:
            if n["entity_id"] in ctx.entities:
                self._add(n["name"], n["entity_id"], self.han, self.words)
        by_key: dict[str, set[str]] = defaultdict(set)
        for n in ctx.names:
            by_key[n["key"]].add(n["entity_id"])
        for group, spec in ctx.terms["footnotes"]["contrast_groups"].items():
            for term, words in spec["terms"].items():
                linked = sorted({e for w in words for e in by_key.get(name_key(w), ()) if e in ctx.entities})
                concept = linked[0] if linked else f"term:{group}:{term}"
                self.group[concept] = group
                for w in words:
                    self._add(w, concept, self.term_han, self.term_words)

    @staticmethod
    def _add(name: str, concept: str, han: dict, words: dict) -> None:
        folded = _fold(name)
        if _HAN.search(folded):
            squashed = re.sub(r"\s+", "", folded)
            if squashed:
                han[squashed[0]].setdefault(squashed, set()).add(concept)
            return
        toks = tuple(w for w, _, _ in _words(folded))
        if toks:
            words[toks[0][:3]].append((toks, concept))

    def _find(self, text: str, han: dict, words: dict) -> list[_Mention]:
        folded = _fold(text)
        found: list[_Mention] = []
        keep = [i for i, ch in enumerate(folded) if not ch.isspace()]
        squashed = "".join(folded[i] for i in keep)
        if _HAN.search(squashed):
            for start, ch in enumerate(squashed):
                for name, concepts in han.get(ch, {}).items():
                    if squashed.startswith(name, start):
                        a, b = keep[start], keep[start + len(name) - 1] + 1
                        found.extend(_Mention(c, text[a:b], a, b) for c in concepts)
        toks = _words(folded)
        for i, (tok, _, _) in enumerate(toks):
            for name_toks, concept in words.get(tok[:3], ()):
                if i + len(name_toks) <= len(toks) and all(
                        _word_matches(toks[i + j][0], w) for j, w in enumerate(name_toks)):
                    a, b = toks[i][1], toks[i + len(name_toks) - 1][2]
                    found.append(_Mention(concept, text[a:b], a, b))
        return found

    def mentions(self, text: str) -> list[_Mention]:
        """Entities named in `text` (longest name wins where names overlap: 俄羅斯電子集團 is
        Ruselectronics, not Russia) plus contrast terms (found inside names too: 氫 in
        高純度氫精煉廠)."""
        chosen: list[_Mention] = []
        for m in sorted(self._find(text, self.han, self.words), key=lambda m: (m.start - m.end, m.start)):
            if all(m.end <= c.start or m.start >= c.end or (m.start, m.end) == (c.start, c.end) for c in chosen):
                chosen.append(m)
        extra = [t for t in self._find(text, self.term_han, self.term_words)
                 if not any(c.concept == t.concept and c.start <= t.start and t.end <= c.end for c in chosen)]
        return chosen + extra

    def contrast(self, a: str, b: str) -> bool:
        """Do a and b exclude one another (different members of one group, or two places
        neither of which lies inside the other)?"""
        if a == b:
            return False
        ga, gb = self.group.get(a), self.group.get(b)
        if ga and ga == gb:
            return True
        ea, eb = self.ctx.entities.get(a), self.ctx.entities.get(b)
        if ea and eb and ea["type"] == eb["type"] and ea["type"] in self.ctx.terms["footnotes"]["contrast_types"]:
            return not self.ctx.contained(a, b)
        return False


# -- 1. a value stated two ways --------------------------------------------------------------

_PURITY_EXPR = re.compile(r"(\d+(?:\.\d+)?)\s*N(?![A-Za-z])|(\d+(?:\.\d+)?)\s*[%％]")


def _purity_expressions(text: str) -> list[tuple[str, float, int, int]]:
    """Purity grades (6N) and purity-like percentages (99.9999 %) in a text, as nines."""
    text = unicodedata.normalize("NFKC", text)
    out = []
    for m in _PURITY_EXPR.finditer(text):
        if m[2] is not None and float(m[2]) < terms()["purity"]["percent_min"]:
            continue
        try:
            out.append((m[0].strip(), parse_purity(m[0]), m.start(), m.end()))
        except ValueError:
            continue
    return out


def _restatements(exprs: list[tuple[str, float, int, int]], max_gap: int) -> list[list]:
    """Runs of expressions standing next to each other (6N 級（99.999999%）)."""
    runs: list[list] = []
    for e in exprs:
        if runs and e[2] - runs[-1][-1][3] <= max_gap:
            runs[-1].append(e)
        else:
            runs.append([e])
    return [r for r in runs if len(r) > 1]


def _internal_contradictions(ctx: _Context) -> Iterable[Finding]:
    """Purity claims whose as_written, or a restatement of the claim's grade in a quote (a grade
    with its percentage beside it), gives grades that disagree with each other or with the
    claim's value. Grades far apart in a quote (6N … compared with 11N) are a comparison, not a
    restatement; a restatement of another grade in the same quote is another claim's business."""
    rules = ctx.terms["purity"]
    for c in ctx.claims.values():
        p = ctx.vocab.predicates.get(c["predicate"])
        if not p or p.value_kind != "purity":
            continue
        value = _json(c["value_json"])
        try:
            nines = parse_purity(value) if value is not None else None
        except ValueError:
            nines = None
        groups = []
        if c["as_written"]:
            exprs = _purity_expressions(c["as_written"])
            if len(exprs) > 1:
                groups.append(("as_written", exprs))
        for e in c["evidence"]:
            for run in _restatements(_purity_expressions(e["quote"]), rules["max_gap"]):
                # a restatement in a quote is this claim's only if it gives the claim's grade
                if nines is None or any(abs(x[1] - nines) <= rules["tolerance"] for x in run):
                    groups.append((f"quote ({e['source']})", run))
        seen: set[tuple] = set()
        for where, exprs in groups:
            grades = [x[1] for x in exprs] + ([nines] if nines is not None else [])
            if max(grades) - min(grades) <= rules["tolerance"]:
                continue
            key = tuple(sorted((x[0], round(x[1], 3)) for x in exprs))
            if key in seen:
                continue
            seen.add(key)
            what = (f"The purity of {ctx.label(c['object'])} reached by {ctx.label(c['subject'])}" if c["object"]
                    else f"The purity of {ctx.label(c['subject'])}")
            stated = " and ".join(f"“{x[0]}” ({_nines_words(x[1])})" for x in exprs)
            yield Finding(
                kind="internal_contradiction", severity="error",
                message=(f"{what} is stated two ways that disagree: {stated}"
                         + (f"; the claim records {value}." if value is not None else ".")),
                claims=[c["id"]],
                details={"claim": c["id"], "predicate": c["predicate"], "value": value, "value_nines": nines,
                         "as_written": c["as_written"], "found_in": where,
                         "expressions": [{"text": x[0], "nines": round(x[1], 3)} for x in exprs],
                         "evidence": ctx.evidence_view(c), "note": c["q"].get("note") or c["note"]})


def _nines_words(n: float) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
             9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
    r = round(n)
    if abs(n - r) < 0.01 and r in words:
        return f"{words[r]} nine{'s' if r != 1 else ''}"
    return f"{n:.2f} nines"


# -- 2. a footnote's title against the text that cites it -----------------------------------

def _title_only(ctx: _Context) -> dict[str, str]:
    """Sources we know only by their title as another source prints it -> the citing source."""
    return {s["id"]: s["cited_in"] for s in ctx.sources.values() if s["cited_in"] and not s["held"]}


def _footnote_disagreements(ctx: _Context) -> Iterable[Finding]:
    cited = _title_only(ctx)
    if not cited:
        return
    lex = ctx.lexicon
    groups: dict[tuple[str, str], dict] = {}
    for c in ctx.claims.values():
        notes = [e for e in c["evidence"] if e["source"] in cited]
        if not notes:
            continue
        own = ctx.entity_ids(c)
        for note in notes:
            text_quotes = [e["quote"] for e in c["evidence"] if e["source"] == cited[note["source"]]]
            in_note: dict[str, set[str]] = defaultdict(set)
            for m in lex.mentions(note["quote"]):
                in_note[m.concept].add(m.surface)
            in_text: dict[str, set[str]] = defaultdict(set)
            for q in text_quotes:
                for m in lex.mentions(q):
                    in_text[m.concept].add(m.surface)
            text_side = set(in_text) | own
            for f in in_note:
                if f in in_text:
                    continue
                against = sorted(a for a in text_side
                                 if a not in in_note and (f in own or a in own) and lex.contrast(f, a))
                if not against:
                    continue
                g = groups.setdefault((note["source"], f), {"note_surface": set(), "text": {}, "claims": []})
                g["note_surface"] |= in_note[f]
                for a in against:
                    g["text"].setdefault(a, set()).update(in_text.get(a, ()))
                g["claims"].append({"id": c["id"], "status": c["status"], "footnote_quote": note["quote"],
                                    "text_quotes": text_quotes,
                                    "claim_names": sorted(x for x in (f, *against) if x in own)})
    for (source, f), g in sorted(groups.items()):
        s = ctx.sources[source]
        text_names = [f"{ctx.label(a)}" + (f" (“{'”, “'.join(sorted(sf))}”)" if sf else "")
                      for a, sf in sorted(g["text"].items())]
        disputed = [x["id"] for x in g["claims"] if x["status"] == "disputed"]
        yield Finding(
            kind="footnote_disagrees", severity="warning",
            message=(f"{ctx.source_label(source)}'s title names {ctx.label(f)} "
                     f"(“{'”, “'.join(sorted(g['note_surface']))}”) where the text citing it names "
                     f"{_join(text_names)}."),
            claims=[x["id"] for x in g["claims"]],
            details={"source": source, "footnote": s["footnote"], "title": s["title"], "cited_in": s["cited_in"],
                     "footnote_names": {"id": f, "label": ctx.label(f), "as_written": sorted(g["note_surface"])},
                     "text_names": [{"id": a, "label": ctx.label(a), "as_written": sorted(sf)}
                                    for a, sf in sorted(g["text"].items())],
                     "disputed_claims": disputed, "claims": g["claims"]})


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


# -- near-miss spellings -----------------------------------------------------------------------

def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _translit(text: str) -> str:
    table = terms()["transliteration"]["ru"]
    return "".join(table.get(ch, ch) for ch in text)


class _Spellings:
    """Latin words of entity names: primary (name, legal) ones, distinctive per entity."""

    def __init__(self, ctx: _Context):
        rules = ctx.terms["name_variants"]
        self.min = rules["min_length"]
        self.generic = set(rules["generic_words"])
        self.limits = sorted((x["up_to"], x["distance"]) for x in rules["max_distance"])
        self.primary: dict[str, set[str]] = defaultdict(set)  # entity -> words
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.translit: dict[str, set[str]] = defaultdict(set)
        owners: dict[str, set[str]] = defaultdict(set)
        for n in ctx.names:
            folded = _fold(n["name"])
            if n["kind"] in ("name", "legal"):
                for w in _LATIN_WORD.findall(folded):
                    self.primary[n["entity_id"]].add(w)
                    owners[w].add(n["entity_id"])
            elif n["kind"] == "alias":
                self.aliases[n["entity_id"]].append(n["name"])
            if _CYRILLIC.search(folded):
                self.translit[n["entity_id"]].update(_WORD.findall(_translit(folded)))
        self.known = set(owners)
        self.distinctive = {e: {w for w in ws if len(owners[w]) <= rules["max_owners"] and len(w) >= self.min
                                and w not in self.generic}
                            for e, ws in self.primary.items()}

    def max_distance(self, word: str) -> int:
        return next((d for up_to, d in self.limits if len(word) <= up_to), 0)

    def near_misses(self, text: str, entity: str) -> list[tuple[str, str, int]]:
        """(as written, the name's word, distance) for words of `text` that nearly spell
        a distinctive word of the entity's names without being a known name word."""
        out = []
        for m in _LATIN_WORD.finditer(unicodedata.normalize("NFKC", text)):
            w = m[0].casefold()
            if len(w) < self.min or w in self.known or w in self.generic or w in self.translit.get(entity, ()):
                continue
            for p in sorted(self.distinctive.get(entity, ())):
                if abs(len(w) - len(p)) > self.max_distance(p):
                    continue
                d = _levenshtein(w, p)
                if 0 < d <= self.max_distance(p):
                    out.append((m[0], p, d))
        return out


def _name_variants(ctx: _Context) -> Iterable[Finding]:
    sp = _Spellings(ctx)
    groups: dict[tuple[str, str, str], dict] = {}
    for c in ctx.claims.values():
        own = [e for e in sorted(ctx.entity_ids(c)) if sp.distinctive.get(e)]
        for ev in c["evidence"]:
            for e in own:
                for surface, word, dist in sp.near_misses(ev["quote"], e):
                    g = groups.setdefault((ev["source"], surface.casefold(), word),
                                          {"surface": surface, "distance": dist, "claims": [], "entities": set(),
                                           "quotes": set()})
                    g["claims"].append(c["id"])
                    g["entities"].add(e)
                    g["quotes"].add(ev["quote"])
    cited = _title_only(ctx)
    for (source, key, word), g in sorted(groups.items()):
        # the entity the word names most directly: its label starts with the word, and is short
        ents = sorted(g["entities"], key=lambda e: (
            _LATIN_WORD.findall(_fold(ctx.label(e)))[:1] != [word], len(ctx.label(e)), e))
        ent = ctx.entities[ents[0]]
        aliases = [a for e in ents for a in sp.aliases.get(e, ()) if key in _LATIN_WORD.findall(_fold(a))]
        where = (f"{ctx.source_label(source)}'s title" if source in cited
                 else f"The quote from {ctx.source_label(source)}")
        zh = f" ({ent['label_zh']})" if ent["label_zh"] and ent["label_zh"] != ent["label_en"] else ""
        yield Finding(
            kind="name_variant", severity="warning",
            message=(f"{where} writes “{g['surface']}” where its claims are about {ent['label_en']}{zh}, "
                     f"spelled “{word.capitalize()}”: a near miss that may be a misprint or another organisation."),
            claims=list(dict.fromkeys(g["claims"])),
            details={"source": source, "footnote": ctx.sources.get(source, {}).get("footnote"),
                     "as_written": g["surface"], "entity": ents[0], "entity_label": ent["label_en"],
                     "entity_label_zh": ent["label_zh"], "entities": ents, "closest_name_word": word,
                     "edit_distance": g["distance"], "recorded_as_alias": aliases,
                     "quotes": sorted(g["quotes"])})


# -- 3. values that disagree between claims -----------------------------------------------------

def _side(ctx: _Context, c: dict, field_name: str) -> dict:
    return {"claim": c["id"], "status": c["status"], field_name: _shown(ctx, c, field_name),
            "valid_from": c["valid_from"], "valid_to": c["valid_to"], "evidence": ctx.evidence_view(c)}


def _shown(ctx: _Context, c: dict, field_name: str) -> str:
    if field_name == "object":
        return ctx.label(c["object"]) if c["object"] else "—"
    if field_name == "value":
        v = _json(c["value_json"])
        if isinstance(v, dict):
            lo, hi = v.get("min"), v.get("max")
            text = f"{_num(lo)}–{_num(hi)}" if lo is not None and hi is not None else (
                f"at least {_num(lo)}" if lo is not None else f"at most {_num(hi)}")
        else:
            text = _num(v) if isinstance(v, (int, float)) else str(v)
        return f"{'about ' if c['approx'] else ''}{text}{' ' + c['unit'] if c['unit'] else ''}"
    vals = c["q"].get(field_name)
    return ", ".join(ctx.label(v) if isinstance(v, str) else str(v) for v in _as_list(vals)) if vals is not None else "—"


def _num(x) -> str:
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) and abs(x) >= 10000 else str(x)


def _values_differ(a: dict, b: dict, tolerance: float) -> bool:
    va, vb = _json(a["value_json"]), _json(b["value_json"])
    if (a["unit"] or "") != (b["unit"] or ""):
        return True
    if isinstance(va, dict) or isinstance(vb, dict):
        ra = (va.get("min"), va.get("max")) if isinstance(va, dict) else (va, va)
        rb = (vb.get("min"), vb.get("max")) if isinstance(vb, dict) else (vb, vb)
        return any(not _close(x, y, a, b, tolerance) for x, y in zip(ra, rb, strict=True))
    if isinstance(va, (int, float)) and isinstance(vb, (int, float)) and not isinstance(va, bool):
        return not _close(va, vb, a, b, tolerance)
    if isinstance(va, str) and isinstance(vb, str):
        try:
            return abs(parse_purity(va) - parse_purity(vb)) > terms()["purity"]["tolerance"]
        except ValueError:
            pass
        try:
            pa, pb = PartialDate.parse(va), PartialDate.parse(vb)
            return not (pa.start <= pb.start <= pb.end <= pa.end or pb.start <= pa.start <= pa.end <= pb.end)
        except ValueError:
            return va.strip().casefold() != vb.strip().casefold()
    return va != vb


def _close(x, y, a: dict, b: dict, tolerance: float) -> bool:
    if x is None or y is None:
        return x is None and y is None
    rel = tolerance if (a["approx"] or b["approx"]) else 1e-9
    return math.isclose(float(x), float(y), rel_tol=rel)


def _conflict(ctx: _Context, a: dict, b: dict, field_name: str, why: str) -> Finding:
    disputed = [c["id"] for c in (a, b) if c["status"] == "disputed"]
    subject, what = ctx.label(a["subject"]), ctx.predicate_phrase(a["predicate"])
    sides = f"{_shown(ctx, a, field_name)} ({_support(ctx, a)}) versus {_shown(ctx, b, field_name)} ({_support(ctx, b)})"
    if field_name == "object":
        message = f"Two claims disagree on what {subject} {what}: {sides}."
    elif field_name == "value":
        message = f"Two claims about {subject} ({a['predicate'].replace('_', ' ')}) give different values: {sides}."
    else:
        obj = f" {ctx.label(a['object'])}" if a["object"] else ""
        message = f"Two claims about “{subject} {what}{obj}” disagree on the {field_name}: {sides}."
    if disputed:
        message += " One side is marked disputed: the sources are known to disagree."
    return Finding(
        kind="conflicting_values", severity="warning" if disputed else "error", message=message,
        claims=[a["id"], b["id"]],
        details={"field": field_name, "why": why, "predicate": a["predicate"], "subject": a["subject"],
                 "disputed": disputed, "sides": [_side(ctx, a, field_name), _side(ctx, b, field_name)]})


def _support(ctx: _Context, c: dict) -> str:
    srcs = list(dict.fromkeys(ctx.source_label(e["source"], capital=False) for e in c["evidence"]))
    status = "" if c["status"] == "fact" else f"{c['status']}, "
    return f"{status}claim {c['id']}, per {_join(srcs)}" if srcs else f"{status}claim {c['id']}"


def _differences(ctx: _Context, a: dict, b: dict, tolerance: float) -> list[str]:
    """Where two claims of one subject and predicate differ: object, entity qualifiers, value
    (a field one of them leaves out is no difference: unknown is not different)."""
    diffs = []
    if a["object"] and b["object"] and a["object"] != b["object"]:
        diffs.append("object")
    for k in sorted(ctx.vocab.entity_qualifiers & set(a["q"]) & set(b["q"])):
        if a["q"][k] != b["q"][k]:
            diffs.append(k)
    if a["value_json"] and b["value_json"] and _values_differ(a, b, tolerance):
        diffs.append("value")
    return diffs


def _names_the_other(a: dict, b: dict) -> bool:
    """Does either claim's note name the other claim's id (see node-28nm-first-volume-…)?"""
    def notes(c: dict) -> str:
        return " ".join(str(x) for x in (c["note"], c["q"].get("note"), c["q"].get("condition")) if x)
    return bool(re.search(rf"(?<![\w-]){re.escape(b['id'])}(?![\w-])", notes(a))
                or re.search(rf"(?<![\w-]){re.escape(a['id'])}(?![\w-])", notes(b)))


def _conflicting_values(ctx: _Context) -> Iterable[Finding]:
    rules = ctx.terms["conflicts"]
    asserting = set(rules["asserting_statuses"])
    tol = rules["approx_tolerance"]
    done: set[frozenset] = set()
    # (a) one value at a time
    buckets: dict[tuple, list[dict]] = defaultdict(list)
    for c in ctx.claims.values():
        spec = rules["single_valued"].get(c["predicate"])
        subject = ctx.entities.get(c["subject"])
        if spec and c["status"] in asserting and (
                "subject_types" not in spec or (subject and subject["type"] in spec["subject_types"])):
            key = [c["subject"], c["predicate"]]
            for k in spec["key"]:
                v = c["object"] if k == "object" else c["q"].get(k)
                key.append(json.dumps(v, sort_keys=True, ensure_ascii=False))
            buckets[tuple(key)].append(c)
    for key, claims in buckets.items():
        spec = rules["single_valued"][key[1]]
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if not _overlap(a, b):
                    continue
                if spec["compare"] == "object":
                    differ = a["object"] != b["object"] and not ctx.contained(a["object"] or "", b["object"] or "")
                else:
                    differ = _values_differ(a, b, tol)
                if differ:
                    done.add(frozenset((a["id"], b["id"])))
                    yield _conflict(ctx, a, b, spec["compare"],
                                    f"{key[1]} has one {spec['compare']} at a time for the same "
                                    + ", ".join(["subject", *spec["key"]]))
    # (b) a disputed claim and the claim it disputes: same subject and predicate, overlapping
    # validity, and either one names the other in its notes, or (if no note names one) they
    # differ in exactly one respect (object, an entity qualifier, the value; a missing one is
    # no difference) and share a source, or are the only such pair
    by_sp: dict[tuple, list[dict]] = defaultdict(list)
    for c in ctx.claims.values():
        by_sp[(c["subject"], c["predicate"])].append(c)
    for d in ctx.claims.values():
        if d["status"] != "disputed":
            continue
        one_diff, chosen = [], []
        for c in by_sp[(d["subject"], d["predicate"])]:
            if c is d or c["status"] == "disputed" or not _overlap(c, d):
                continue
            diffs = _differences(ctx, c, d, tol)
            if not diffs:
                continue
            if _names_the_other(c, d):
                chosen.append((c, diffs[0]))
            elif len(diffs) == 1:
                one_diff.append((c, diffs[0]))
        d_sources = {e["source"] for e in d["evidence"]}
        shared = [(c, f) for c, f in one_diff if d_sources & {e["source"] for e in c["evidence"]}]
        if not chosen:  # a note naming the counterpart settles it; else a shared source, else uniqueness
            chosen = shared or (one_diff if len(one_diff) == 1 else [])
        for c, field_name in chosen:
            if frozenset((c["id"], d["id"])) not in done:
                done.add(frozenset((c["id"], d["id"])))
                yield _conflict(ctx, c, d, field_name, "a disputed claim beside the claim it disputes")
    # (c) nodes a company runs inside its process range
    spec = rules["node_within_range"]
    ranges: dict[str, list[dict]] = defaultdict(list)
    for c in ctx.claims.values():
        if c["predicate"] == spec["range_predicate"] and c["status"] in asserting and c["value_min"] is not None \
                and c["value_max"] is not None:
            ranges[c["subject"]].append(c)
    for m in spec["members"]:
        for c in ctx.claims.values():
            if c["predicate"] != m["predicate"] or c["status"] not in asserting or c["subject"] not in ranges:
                continue
            if m["field"] == "value":
                lo = c["value_min"] if c["value_min"] is not None else c["value_num"]
                hi = c["value_max"] if c["value_max"] is not None else c["value_num"]
            else:
                v = c["q"].get(m["field"])
                lo = hi = float(v) if isinstance(v, (int, float)) else None
            if lo is None or hi is None:
                continue
            candidates = [r for r in ranges[c["subject"]] if _overlap(r, c)
                          and (r["q"].get("wafer_inch") is None or c["q"].get("wafer_inch") is None
                               or r["q"].get("wafer_inch") == c["q"].get("wafer_inch"))]
            if not candidates or any(r["value_min"] <= lo and hi <= r["value_max"] for r in candidates):
                continue
            r = candidates[0]
            node = _num(lo) if lo == hi else f"{_num(lo)}–{_num(hi)}"
            unit = r["unit"] or ""
            disputed = [x["id"] for x in (c, r) if x["status"] == "disputed"]
            yield Finding(
                kind="conflicting_values", severity="warning",
                message=(f"{ctx.label(c['subject'])} is said to run a {node} {unit} node ({_support(ctx, c)}), "
                         f"outside its process range of {_num(r['value_min'])}–{_num(r['value_max'])} {unit} "
                         f"({_support(ctx, r)})."),
                claims=[c["id"], r["id"]],
                details={"field": m["field"], "why": "a node the company runs lies outside its process range",
                         "predicate": c["predicate"], "subject": c["subject"], "disputed": disputed,
                         "sides": [_side(ctx, c, "value" if m["field"] == "value" else m["field"]),
                                   _side(ctx, r, "value")]})


# -- 4. numbers a claim gives that its quotes do not contain -----------------------------------

_NUMBER = re.compile(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


@lru_cache(maxsize=65536)
def _quote_numbers(text: str) -> tuple[tuple[float, ...], tuple[tuple[int, int], ...]]:
    """Every number in a text, also multiplied by a following number word (5 千 -> 5000) or
    converted from another unit (0.25 micron -> 250, for figures in nm), Chinese numerals
    (第二 -> 2), and decades (1960年代 -> 1960-1969)."""
    rules = terms()["numbers"]
    text = unicodedata.normalize("NFKC", text)
    nums: list[float] = []
    decades: list[tuple[int, int]] = []
    for m in _NUMBER.finditer(text):
        n = float(m[1].replace(",", "") + (f".{m[2]}" if m[2] else ""))
        nums.append(n)
        rest = text[m.end():].lstrip().casefold()
        for word, factor in _multipliers():
            if rest.startswith(word):
                nums.append(n * factor)
                break
        for scales in rules["unit_scales"].values():
            factor = next((f for w, f in sorted(scales.items(), key=lambda kv: -len(kv[0]))
                           if rest.startswith(unicodedata.normalize("NFKC", w).casefold())), None)
            if factor:
                nums.append(n * factor)
        after = text[m.end():]
        if m[2] is None and any(after.startswith(s) for s in rules["decade_suffixes"]):
            decades.append((int(n), int(n) + 9))
        nums.extend(float(month) for month, words in rules["month_words"].items()
                    if any(after.startswith(w) for w in words))
    nums.extend(v for ch, v in rules["numerals"].items() if ch in text)
    return tuple(nums), tuple(decades)


def _has_number(x: float, nums: list[float]) -> bool:
    return any(math.isclose(x, n, rel_tol=1e-9, abs_tol=1e-9) for n in nums)


def _date_parts(text) -> list[int] | None:
    try:
        d = PartialDate.parse(str(text))
    except ValueError:
        return None
    return [x for x in (d.year, d.month, d.day) if x is not None]


def _value_numbers(ctx: _Context, c: dict) -> list[tuple[str, float | list[int]]]:
    p = ctx.vocab.predicates.get(c["predicate"])
    kind = p.value_kind if p else None
    out: list[tuple[str, float | list[int]]] = []
    for col in ("value_num", "value_min", "value_max"):
        if c[col] is not None:
            out.append((col.replace("value_num", "value"), c[col]))
    if c["value_text"] is not None and kind in ("purity", "date"):
        if kind == "date":
            parts = _date_parts(c["value_text"])
            if parts:
                out.append(("value", parts))
        else:
            out.extend(("value", float(m[0])) for m in re.finditer(r"\d+(?:\.\d+)?", c["value_text"]))
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


class _NumberPool:
    """The numbers a claim's evidence gives: in its quotes and in the titles of its sources
    (a page titled "28 nm process"), the years of dated list snapshots, value words (最大 = 1)."""

    def __init__(self, ctx: _Context, c: dict, rules: dict):
        quotes = [e["quote"] for e in c["evidence"]]
        sources = [s for e in c["evidence"] if (s := ctx.sources.get(e["source"]))]
        self.nums: list[float] = []
        self.decades: list[tuple[int, int]] = []
        for text in dict.fromkeys(quotes + [s["title"] for s in sources if s["title"]]):
            n, d = _quote_numbers(text)
            self.nums += n
            self.decades += d
        self.years = {parts[0] for s in sources
                      if s["kind"] in rules["dated_source_kinds"] and (parts := _date_parts(s["date"]))}
        self.words = {float(k): v for k, v in rules["value_words"].get(c["predicate"], {}).items()}
        self.squashed = [_squash(q) for q in quotes]

    def found(self, x: float | list[int], dated: bool = False) -> bool:
        if isinstance(x, list):  # a date: year, month, day
            if dated and x[0] in self.years:
                return True
            year = _has_number(x[0], self.nums) or any(a <= x[0] <= b for a, b in self.decades)
            return year and all(_has_number(p, self.nums) for p in x[1:])
        if _has_number(x, self.nums):
            return True
        return any(w in q for w in self.words.get(float(x), ()) for q in self.squashed)


def _numbers_not_in_quotes(ctx: _Context) -> Iterable[Finding]:
    rules = ctx.terms["numbers"]
    number_kinds, date_kinds = set(rules["number_qualifier_kinds"]), set(rules["date_qualifier_kinds"])
    severity = rules["severity"]
    for c in ctx.claims.values():
        if not c["evidence"]:
            continue
        pool = _NumberPool(ctx, c, rules)
        found = pool.found
        missing: dict[str, list[dict]] = defaultdict(list)
        aw = c["as_written"]
        if not (aw and any(_squash(aw) in q for q in pool.squashed)):
            for name, x in _value_numbers(ctx, c):
                if not found(x):
                    missing["value"].append({"field": name, "value": _shown_number(x)})
        for k, v in sorted(c["q"].items()):
            q = ctx.vocab.qualifiers.get(k)
            if q is None:
                continue
            if q.kind in number_kinds and isinstance(v, (int, float)) and not isinstance(v, bool):
                if not found(float(v)):
                    missing["qualifier"].append({"field": k, "value": _shown_number(v)})
            elif q.kind in date_kinds and (parts := _date_parts(v)) and not found(parts, dated=True):
                missing["qualifier"].append({"field": k, "value": str(v)})
        for k in ("valid_from", "valid_to"):
            if c[k] and (parts := _date_parts(c[k])) and not found(parts, dated=True):
                if not (k == "valid_to" and c["valid_from"] == c[k]):
                    missing["date"].append({"field": k, "value": c[k]})
        for group in ("value", "qualifier", "date"):
            if not missing[group]:
                continue
            items = _join([f"{m['value']} ({m['field']})" for m in missing[group]])
            what = {"value": "the figure", "qualifier": "the figure", "date": "the date"}[group]
            plural = "s" if len(missing[group]) > 1 else ""
            hint = ("; it must come from the surrounding text or the editor" if group == "date"
                    else "; check the figure against the source")
            yield Finding(
                kind="number_not_in_quote", severity=severity[group],
                message=f"No quote of claim {c['id']} contains {what}{plural} it gives: {items}{hint}.",
                claims=[c["id"]],
                details={"claim": c["id"], "missing": missing[group], "as_written": aw,
                         "evidence": ctx.evidence_view(c)})


def _shown_number(x) -> str:
    if isinstance(x, list):
        return "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(x))
    return _num(x)


# -- 5. references to nothing ------------------------------------------------------------------

def _dangling_references(ctx: _Context) -> Iterable[Finding]:
    def finding(message: str, claims: list[str], **details) -> Finding:
        return Finding(kind="dangling_reference", severity="error", message=message, claims=claims, details=details)

    entity_q = ctx.vocab.entity_qualifiers
    for c in ctx.claims.values():
        if c["subject"] not in ctx.entities:
            yield finding(f"Claim {c['id']} is about '{c['subject']}', which is not an entity in the store.",
                          [c["id"]], table="claims", field="subject", value=c["subject"])
        if c["object"] and c["object"] not in ctx.entities:
            yield finding(f"Claim {c['id']} points at '{c['object']}', which is not an entity in the store.",
                          [c["id"]], table="claims", field="object", value=c["object"])
        for k in sorted(entity_q.intersection(c["q"])):
            for v in _as_list(c["q"][k]):
                if v not in ctx.entities:
                    yield finding(f"Claim {c['id']} names '{v}' as its {k}, which is not an entity in the store.",
                                  [c["id"]], table="claims", field=f"qualifiers.{k}", value=v)
        if c["predicate"] not in ctx.vocab.predicates:
            yield finding(f"Claim {c['id']} uses the predicate '{c['predicate']}', which the vocabulary does not define.",
                          [c["id"]], table="claims", field="predicate", value=c["predicate"])
        if not c["evidence"]:
            yield finding(f"Claim {c['id']} has no evidence: no source, locator or quote backs it.",
                          [c["id"]], table="evidence", field="claim_id", value=c["id"])
        for e in c["evidence"]:
            if e["source"] not in ctx.sources:
                yield finding(f"Claim {c['id']} cites the source '{e['source']}', which is not in the store.",
                              [c["id"]], table="evidence", field="source", value=e["source"], seq=e["seq"])
    for e in ctx.orphan_evidence:
        yield finding(f"An evidence row (from {e['source']}) belongs to claim '{e['claim_id']}', which is not in the store.",
                      [e["claim_id"]], table="evidence", field="claim_id", value=e["claim_id"], quote=e["quote"])
    for s in ctx.sources.values():
        if s["cited_in"] and s["cited_in"] not in ctx.sources:
            yield finding(f"Source {s['id']} is cited in '{s['cited_in']}', which is not a source in the store.",
                          [], table="sources", field="cited_in", value=s["cited_in"], source=s["id"])
    for n in ctx.names:
        if n["entity_id"] not in ctx.entities:
            yield finding(f"The name “{n['name']}” belongs to '{n['entity_id']}', which is not an entity in the store.",
                          [], table="names", field="entity_id", value=n["entity_id"], name=n["name"])
    for i in _fetch(ctx.store, """SELECT entity_id, scheme, value, source FROM identifiers
                                  WHERE entity_id NOT IN (SELECT id FROM entities)
                                     OR source NOT IN (SELECT id FROM sources)"""):
        if i["entity_id"] not in ctx.entities:
            yield finding(f"The identifier {i['scheme']} {i['value']} belongs to '{i['entity_id']}', which is not an entity in the store.",
                          [], table="identifiers", field="entity_id", value=i["entity_id"])
        if i["source"] not in ctx.sources:
            yield finding(f"The identifier {i['scheme']} {i['value']} cites the source '{i['source']}', which is not in the store.",
                          [], table="identifiers", field="source", value=i["source"])
