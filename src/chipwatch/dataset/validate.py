"""Validation of a loaded dataset: references, vocabulary, values, dates, quotes."""

from __future__ import annotations

import difflib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from chipwatch.dataset.held import find_shared, held_text, squash
from chipwatch.dataset.load import Dataset, Problem
from chipwatch.errors import excerpt, first_line
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import parse_purity, parse_quantity, parse_unit, same_quantity, ureg
from chipwatch.model.records import Claim, Entity, Range
from chipwatch.model.vocabulary import Vocabulary, vocabulary


@dataclass
class ValidationReport:
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quotes_checked: int = 0
    quotes_skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


MAX_PARSED = 200  # characters in a unit, a figure as written or a value text: longer ones are not parsed (pint is slow on them)


def _read(parse, *args):
    """`parse(*args)` for a unit or quantity; pint's parser also raises tokenize and other
    errors on text such as '(' — all become the ValueError the checks report."""
    try:
        return parse(*args)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the parser raises means "not a unit"
        raise ValueError(f"cannot read {excerpt(repr(args[0]))} ({first_line(exc, 60)})") from None


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(close)}?" if close else ""


class Validator:
    """Checks a dataset: `header()` for sources and entities, then `claims(batch)` for each
    batch of claims (so datasets too big to hold can be checked as they stream), then
    `finish()`. `seen_claims` may be shared between datasets built together; `known` are
    entities already in the store that an import may refer to."""

    def __init__(self, ds: Dataset, vocab: Vocabulary | None = None, shared: Path | None = None,
                 seen_claims: set[str] | None = None, known: dict[str, Entity] | None = None):
        self.ds, self.vocab, self.shared = ds, vocab or vocabulary(), shared
        self.report = ValidationReport()
        self.entities = {**(known or {}), **{e.id: e for e in ds.entities}}  # known: already in the store
        self.sources = {s.id: s for s in ds.sources}
        self.seen_claims = seen_claims if seen_claims is not None else set()
        # ids of entities and sources that failed to parse: reported once, not again when referenced
        self.broken = {rid for _, rid in ds.failed}
        self._missing_held: set[str] = set()
        self._reported = 0  # how many of ds.problems (parse problems) are in the report

    def add(self, kind: str, rid: str, message: str, path: tuple = ()) -> None:
        self.report.problems.append(self.ds.problem(kind, rid, message, path))

    def _take_parse_problems(self) -> None:
        self.report.problems.extend(self.ds.problems[self._reported:])
        self._reported = len(self.ds.problems)

    def _duplicates(self, kind: str, records) -> None:
        for rid, n in Counter(r.id for r in records).items():
            if n > 1:
                self.add(kind, rid, f"duplicate {kind} id '{rid}' ({n} records; ids must be unique)")

    # -- quotes --------------------------------------------------------------
    def _text_for(self, source_id: str) -> tuple[str, str] | None | bool:
        """Squashed held text a quote of this source must be in; False if none is held."""
        src = self.sources.get(source_id)
        if src is None:
            return False
        if src.held:
            return self._held(src.id, src.held, src.sha256)
        if src.cited_in and (citing := self.sources.get(src.cited_in.source)) and citing.held:
            return self._held(citing.id, citing.held, citing.sha256)
        return False

    def _held(self, sid: str, relative: str, sha: str | None):
        got = held_text(self.ds.root, relative) or held_text(self.shared, relative)  # the dataset's own texts, then shared
        if got is None:
            if relative not in self._missing_held:
                self._missing_held.add(relative)
                where = self.shared or "(no shared folder found; set CHIPWATCH_SHARED)"
                self.report.notes.append(f"held text {excerpt(relative, 80)} not found under {where}: quotes of '{sid}' not checked")
            return None
        digest, text = got
        if sha and digest != sha:
            key = f"sha:{relative}"
            if key not in self._missing_held:
                self._missing_held.add(key)
                self.add("source", sid, f"held text {excerpt(relative, 80)} has sha256 {digest[:12]}…, not the {sha[:12]}… recorded; quotes were checked against another version")
        return got

    def quote(self, kind: str, rid: str, source: str, quote: str, path: tuple) -> None:
        if source in self.broken:
            return
        if source not in self.sources:
            self.add(kind, rid, f"unknown source '{source}'{_suggest(source, self.sources)}", path + ("source",))
            return
        held = self._text_for(source)
        if held is False:
            return
        if held is None:
            self.report.quotes_skipped += 1
            return
        self.report.quotes_checked += 1
        if squash(quote) not in held[1]:
            self.add(kind, rid, f"quote is not verbatim in the text of '{source}': {quote[:40]!r}…; copy the sentence exactly as the source prints it", path + ("quote",))

    # -- records -------------------------------------------------------------
    def source(self, src) -> None:
        if src.cited_in and src.cited_in.source not in self.sources:
            self.add("source", src.id, f"cited_in source '{src.cited_in.source}' is not a source", ("cited_in",))
        if src.held:
            self._held(src.id, src.held, src.sha256)

    def entity(self, ent) -> None:
        if ent.type not in self.vocab.entity_types:
            self.add("entity", ent.id, f"unknown entity type '{ent.type}'{_suggest(ent.type, self.vocab.entity_types)}; types: {', '.join(self.vocab.entity_types)}", ("type",))
        for i, ident in enumerate(ent.identifiers):
            self.quote("entity", ent.id, ident.source, ident.quote, ("identifiers", i))
            if ident.value not in ident.quote:
                self.add("entity", ent.id, f"identifier {ident.scheme} {ident.value} does not appear in its quote", ("identifiers", i, "value"))

    def claim(self, c: Claim) -> None:
        pred = self.vocab.predicates.get(c.predicate)
        if pred is None:
            self.add("claim", c.id, f"unknown predicate '{c.predicate}'{_suggest(c.predicate, self.vocab.predicates)}", ("predicate",))
        subject = self.entities.get(c.subject)
        if subject is None and c.subject not in self.broken:
            self.add("claim", c.id, f"unknown entity '{c.subject}' as subject{_suggest(c.subject, self.entities)}", ("subject",))
        obj = self.entities.get(c.object) if c.object else None
        if c.object and obj is None and c.object not in self.broken:
            self.add("claim", c.id, f"unknown entity '{c.object}' as object{_suggest(c.object, self.entities)}", ("object",))
        if pred:
            if subject and not pred.allows_subject(subject.type):
                self.add("claim", c.id, f"'{c.predicate}' does not take a {subject.type} as subject ({c.subject}); it takes {', '.join(pred.domain)}", ("subject",))
            if obj and not pred.allows_object(obj.type):
                allowed = ", ".join(pred.range) if pred.range else "nothing"
                self.add("claim", c.id, f"'{c.predicate}' does not take a {obj.type} as object ({c.object}); it takes {allowed}", ("object",))
            if pred.object == "required" and not c.object:
                self.add("claim", c.id, f"'{c.predicate}' needs an object (an entity id)")
            if pred.object == "forbidden" and c.object:
                self.add("claim", c.id, f"'{c.predicate}' takes no object; put the figure in value", ("object",))
            if pred.value == "required" and c.value is None:
                self.add("claim", c.id, f"'{c.predicate}' needs a value ({pred.value_kind})")
            if pred.value == "forbidden" and c.value is not None:
                self.add("claim", c.id, f"'{c.predicate}' takes no value", ("value",))
            if c.value is not None and pred.value != "forbidden":
                self.value(c, pred)
            self.qualifiers(c)
        for tag in c.tags:
            if tag not in self.vocab.tags and not tag.startswith("chapter:"):
                self.add("claim", c.id, f"unknown tag '{tag}'{_suggest(tag, self.vocab.tags)}", ("tags",))
        for i, ev in enumerate(c.evidence):
            self.quote("claim", c.id, ev.source, ev.quote, ("evidence", i))

    def value(self, c: Claim, pred) -> None:
        kind, v = pred.value_kind, c.value
        for name, text in (("unit", c.unit), ("as_written", c.as_written), ("value", v if kind != "text" else None)):
            if isinstance(text, str) and len(text) > MAX_PARSED:
                self.add("claim", c.id, f"{name} of {len(text):,} characters: write it in at most {MAX_PARSED}", (name,))
                return
        try:
            if kind == "quantity":
                if not isinstance(v, (int, float, Range)) or isinstance(v, bool):
                    raise ValueError(f"a quantity is a number or {{min, max}}, got {excerpt(repr(v))}")
                unit = _read(parse_unit, c.unit) if c.unit else None
                if unit is None:
                    raise ValueError("a quantity needs a unit (e.g. nm, t/year, wafer_200mm/month, USD)")
                if pred.dimension:
                    if unit.dimensionality != ureg.get_dimensionality(pred.dimension):
                        raise ValueError(f"unit '{c.unit}' is not a {pred.dimension} unit")
                if c.as_written and isinstance(v, (int, float)):
                    self._as_written(c, v)
            elif kind == "percent":
                if isinstance(v, Range):
                    bounds = [b for b in (v.min, v.max) if b is not None]
                elif isinstance(v, (int, float)) and not isinstance(v, bool):
                    bounds = [v]
                else:
                    raise ValueError(f"a percent is a number 0-100, got {excerpt(repr(v))}")
                if any(not 0 <= b <= 100 for b in bounds):
                    raise ValueError(f"percent {v} is outside 0-100")
            elif kind == "purity":
                _read(parse_purity, v)
            elif kind == "date":
                PartialDate.parse(v)
            elif kind == "integer":
                if not isinstance(v, int) or isinstance(v, bool):
                    raise ValueError(f"expected a whole number, got {excerpt(repr(v))}")
            elif kind == "text" and not isinstance(v, str):
                raise ValueError(f"expected text, got {excerpt(repr(v))}")
        except ValueError as exc:
            self.add("claim", c.id, f"bad value for '{c.predicate}': {exc}", ("value",))

    def _as_written(self, c: Claim, v: float) -> None:
        try:
            written = _read(parse_quantity, c.as_written)
            stated = _read(parse_quantity, v, c.unit)
        except ValueError:
            return  # prose such as "250-65 奈米" is kept as written, not compared
        if str(written.units) != "dimensionless" and not same_quantity(written, stated):
            self.add("claim", c.id, f"as_written '{c.as_written}' reads as {written:~P}, but value and unit say {stated:~P}", ("as_written",))

    def qualifiers(self, c: Claim) -> None:
        allowed = self.vocab.allowed_qualifiers(c.predicate)
        for key, val in c.qualifiers.items():
            path = ("qualifiers", key)
            q = self.vocab.qualifiers.get(key)
            if q is None:
                self.add("claim", c.id, f"unknown qualifier '{key}'{_suggest(key, self.vocab.qualifiers)}", path)
                continue
            if key not in allowed:
                self.add("claim", c.id, f"'{c.predicate}' does not take qualifier '{key}'; it takes {', '.join(sorted(allowed))}", path)
            values = val if isinstance(val, list) else [val]
            for item in values:
                if q.kind == "entity" and item not in self.entities and item not in self.broken:
                    self.add("claim", c.id, f"qualifier {key}: unknown entity '{item}'{_suggest(str(item), self.entities)}", path)
                elif q.kind in ("number", "percent") and (isinstance(item, bool) or not isinstance(item, (int, float))):
                    self.add("claim", c.id, f"qualifier {key}: expected a number, got {item!r}", path)
                elif q.kind == "percent" and isinstance(item, (int, float)) and not 0 <= item <= 100:
                    self.add("claim", c.id, f"qualifier {key}: {item} is outside 0-100", path)
                elif q.kind == "enum" and item not in q.values:
                    self.add("claim", c.id, f"qualifier {key}: '{item}' is not one of {', '.join(q.values)}", path)
                elif q.kind == "date":
                    try:
                        PartialDate.parse(item)
                    except ValueError as exc:
                        self.add("claim", c.id, f"qualifier {key}: {exc}", path)

    def header(self) -> Validator:
        """Check sources and entities."""
        self._take_parse_problems()
        self._duplicates("source", self.ds.sources)
        self._duplicates("entity", self.ds.entities)
        for s in self.ds.sources:
            self.source(s)
        for e in self.ds.entities:
            self.entity(e)
        return self

    def claims(self, batch: list[Claim]) -> None:
        """Check a batch of claims (their where-abouts must still be known to the dataset)."""
        self._take_parse_problems()
        for c in batch:
            if c.id in self.seen_claims:
                self.add("claim", c.id, f"duplicate claim id '{c.id}' (ids must be unique)")
            self.seen_claims.add(c.id)
            self.claim(c)

    def finish(self) -> ValidationReport:
        self._take_parse_problems()
        if self.shared is None:
            self.report.notes.append("no shared folder with held texts found (set CHIPWATCH_SHARED): quotes not checked")
        return self.report


def validate(ds: Dataset, shared: Path | None = None, vocab: Vocabulary | None = None) -> ValidationReport:
    """Check everything a loader cannot: references, vocabulary, values, verbatim quotes."""
    v = Validator(ds, vocab, shared or find_shared(ds.root)).header()
    for _, batch in ds.iter_claims():
        v.claims(batch)
    return v.finish()
