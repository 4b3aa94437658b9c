"""Predicate patterns kept as data: `patterns/<lang>.yaml` holds a language's status cues,
the shapes of names not yet in the graph, and the patterns that propose claims.

A pattern's `match` is a regular expression over the sentence with its mentions masked:
`{S}` and `{O}` are entity mentions (subject, object), `{N}` a name not in the graph,
`{V}` a figure (quantity, percent, purity or date; the predicate's value kind decides which),
`{_}` a short gap (up to 40 characters, within one clause), `{-}` such a gap that names no
entity (so {O} is the entity nearest the verb).

`refer` lists words that stand for an entity named before (implied subjects: "the company",
"this rule", 該公司, компания): each maps to entity types, and reads as the entity of those
types mentioned last in the document. A pattern's `implied` types do the same for an object
its sentence leaves out ("Mikron is among the entities targeted": by whom was said before)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from chipwatch.dataset.yamlio import read_yaml
from chipwatch.errors import ChipwatchError, first_line
from chipwatch.model.vocabulary import vocabulary

PATTERN_DIR = Path(__file__).parent / "patterns"
STATUS_ORDER = ("speculated", "reported", "planned")
_SLOTS = {"{N}": r"⟨N(?P<n>\d+)⟩", "{V}": r"⟨V(?P<v>\d+)⟩",
          "{_}": r"[^。；;]{0,40}?", "{-}": r"(?:(?!⟨E)[^。；;]){0,40}?"}


@dataclass(frozen=True)
class Pattern:
    id: str
    predicate: str
    rx: re.Pattern
    subject_types: tuple[str, ...] = ()
    object_types: tuple[str, ...] = ()
    new_type: str | None = None  # type of the entity a {N} slot proposes
    status: str | None = None  # a status the pattern itself carries (e.g. a target)
    qualifiers: dict = field(default_factory=dict)  # key -> "V" (the figure's number) or a constant
    implied: tuple[str, ...] = ()  # with no {O} in the match: the entity of these types named last
    rest: bool = False  # the subject and every later mention of the subject types in the match (a list)
    implied_subject: tuple[str, ...] = ()  # a match with no {S}: the entity of these types named before it


@dataclass(frozen=True)
class Language:
    family: str
    cues: tuple[tuple[str, tuple[str, ...]], ...]
    names: tuple[tuple[str, re.Pattern], ...]
    patterns: tuple[Pattern, ...]
    ner: str | None = None  # an offline tagger for names not in the graph (ingest.ner.TAGGERS)
    refer: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = ()  # words that stand for an entity named before

    def status(self, sentence: str) -> tuple[str, str | None]:
        """The status a sentence's cue gives (the dataset's mapping), and the cue."""
        low = sentence.casefold()
        for status, words in self.cues:
            for w in words:
                if re.search(rf"(?<![^\W\d_]){re.escape(w.casefold())}" if w.isascii() else re.escape(w.casefold()), low):
                    return status, w
        return "fact", None


def _entity(group: str, types) -> str:
    return rf"⟨E(?P<{group}>\d+):(?:{'|'.join(map(re.escape, types)) if types else '[a-z_]+'})⟩"


def _compile(text: str, where: str, subject=(), object_=(), flags: int = re.I) -> re.Pattern:
    rx = text.replace("{S}", _entity("s", subject)).replace("{O}", _entity("o", object_))
    for slot, repl in _SLOTS.items():
        rx = rx.replace(slot, repl)
    try:
        return re.compile(rx, flags)
    except re.error as exc:
        raise ChipwatchError(f"{where}: field 'match' is not a regular expression ({first_line(exc, 80)})") from None


@cache
def load_language(family: str, directory: Path = PATTERN_DIR) -> Language:
    """The cues, name shapes and patterns of one language (checked against the vocabulary)."""
    path = directory / f"{family}.yaml"
    doc = read_yaml(path) or {}
    vocab = vocabulary()
    cues = doc.get("cues") or {}
    for status in cues:
        if status not in STATUS_ORDER:
            raise ChipwatchError(f"{path}: cue status '{status}' unknown; use one of {', '.join(STATUS_ORDER)}")
    names = tuple((n["type"], _compile(n["match"], f"{path}: names", flags=0)) for n in doc.get("names") or [])  # capitals matter
    patterns, seen = [], set()
    for i, p in enumerate(doc.get("patterns") or []):
        where = f"{path}: patterns[{i}]"
        if not isinstance(p, dict) or not {"id", "predicate", "match"} <= set(p):
            raise ChipwatchError(f"{where}: a pattern needs id, predicate and match")
        if p["predicate"] not in vocab.predicates:
            raise ChipwatchError(f"{where}: unknown predicate '{p['predicate']}'; see model/vocabulary.yaml")
        if p["id"] in seen:
            raise ChipwatchError(f"{where}: duplicate pattern id '{p['id']}'")
        seen.add(p["id"])
        subject, object_ = tuple(p.get("subject") or ()), tuple(p.get("object") or ())
        implied, implied_subject = tuple(p.get("implied") or ()), tuple(p.get("implied_subject") or ())
        if unknown := [t for t in (*implied, *implied_subject) if t not in vocab.entity_types]:
            raise ChipwatchError(f"{where}: implied: unknown entity type '{unknown[0]}'; see model/vocabulary.yaml")
        if ("{S}" in p["match"]) == bool(implied_subject):
            raise ChipwatchError(f"{where}: a match needs {{S}}, or implied_subject types and no {{S}}")
        patterns.append(Pattern(p["id"], p["predicate"], _compile(p["match"], where, subject, object_), subject, object_, p.get("new_type"), p.get("status"),
                                dict(p.get("qualifiers") or {}), implied, bool(p.get("rest")), implied_subject))
        if p.get("rest") and not subject:
            raise ChipwatchError(f"{where}: rest: true needs subject types (the kinds of entity the list holds)")
    ordered = tuple((s, tuple(cues[s])) for s in STATUS_ORDER if s in cues)
    refer = []
    for i, r in enumerate(doc.get("refer") or []):
        if not isinstance(r, dict) or not {"match", "types"} <= set(r) or not isinstance(r["types"], list):
            raise ChipwatchError(f"{path}: refer[{i}]: give match (a regular expression) and types (a list of entity types)")
        if unknown := [t for t in r["types"] if t not in vocab.entity_types]:
            raise ChipwatchError(f"{path}: refer[{i}]: unknown entity type '{unknown[0]}'; see model/vocabulary.yaml")
        refer.append((_compile(r["match"], f"{path}: refer[{i}]"), tuple(r["types"])))
    from chipwatch.ingest.ner import TAGGERS

    if (ner := doc.get("ner")) is not None and ner not in TAGGERS:
        raise ChipwatchError(f"{path}: ner '{ner}' unknown; use one of {', '.join(TAGGERS)} or leave it out")
    return Language(family, ordered, names, tuple(patterns), ner, tuple(refer))
