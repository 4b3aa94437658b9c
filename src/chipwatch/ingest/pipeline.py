"""From a document to candidate claims: sentences, mentions, figures, cues, patterns."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from chipwatch.ingest.figures import Figure, dates, quantities
from chipwatch.ingest.gazetteer import Gazetteer, Mention
from chipwatch.ingest.patterns import Language, load_language
from chipwatch.ingest.readers import Document
from chipwatch.ingest.sentences import family, language_of, split
from chipwatch.model.vocabulary import vocabulary

_KIND = {"quantity": "quantity", "percent": "percent", "purity": "purity", "date": "date"}


@dataclass
class Candidate:
    """A proposed claim: what it says, the sentence it comes from, and the pattern that fired."""

    id: str
    source: str
    locator: str
    quote: str
    pattern: str
    subject: str
    predicate: str
    object: str | None = None
    value: Any = None
    unit: str | None = None
    qualifiers: dict = field(default_factory=dict)
    valid_from: str | None = None
    status: str = "fact"
    cue: str | None = None
    new_entities: list[dict] = field(default_factory=list)
    state: str = "pending"  # pending | accepted | rejected
    claim_id: str | None = None  # the accepted claim's id
    note: str | None = None  # the reviewer's reason for a rejection

    def to_dict(self) -> dict:
        return asdict(self)

    def key(self) -> tuple:
        return (self.subject, self.predicate, self.object, repr(self.value), self.unit)


@dataclass
class Result:
    source: str
    language: str
    sentences: int
    mentions: int
    candidates: list[Candidate]


def slug(text: str) -> str:
    """A slug for a proposed entity: its Latin letters, or its romanisation (names.romanise)."""
    from chipwatch.names.romanise import romanisations

    latin = next((r for _, r in romanisations(text)), text)
    s = re.sub(r"[^a-z0-9]+", "-", latin.casefold()).strip("-")
    return s or "new-" + "-".join(f"{ord(c):x}" for c in text[:6])


def _spans(sentence: str, mentions: list[Mention], lang: Language) -> list[tuple[str, int, int, Any]]:
    """Mentions (E), names not in the graph (N) and figures (V), not overlapping, in order."""
    taken: list[tuple[str, int, int, Any]] = [("E", m.start, m.end, m) for m in mentions]

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for _, s, e, _ in taken)

    for typ, rx in lang.names:
        for m in rx.finditer(sentence):
            name = m.group("name") if "name" in rx.groupindex else m[0]
            if free(m.start(), m.end()):
                taken.append(("N", m.start(), m.end(), {"type": typ, "name": name.strip()}))
    if lang.ner and any(k == "E" for k, *_ in taken):
        from chipwatch.ingest.ner import organisations

        for start, end, text in organisations(sentence, lang.ner):
            if free(start, end):
                taken.append(("N", start, end, {"type": "company", "name": text.strip("«»\"' ")}))
    for f in [*quantities(sentence), *dates(sentence)]:
        if free(f.start, f.end):
            taken.append(("V", f.start, f.end, f))
    return sorted(taken, key=lambda t: t[1])


_LIST_SEP = re.compile(r"\s*(?:、|,|，|及|和|與|与|以及|、以及|，以及|and|, and|и|,\s*и)\s*", re.I)
_TIGHT_SEP = re.compile(r"\s*(?:、|,|，|及|以及|、以及|，以及|and|, and|,\s*и)\s*", re.I)  # not 與/和/и: "A 與 B 合作"


def _listed(sentence: str, spans, index: int, step: int, sep: re.Pattern = _LIST_SEP) -> list[Mention]:
    """Mentions listed with span `index` (A、B及C; A, B and C; A и B) of its type, going right
    (step 1) or left (step -1)."""
    kind = spans[index][3].type
    out, i = [], index
    while 0 <= i + step < len(spans) and spans[i + step][0] == "E" and spans[i + step][3].type == kind:
        a, b = sorted((spans[i], spans[i + step]), key=lambda t: t[1])
        if not sep.fullmatch(sentence[a[2]:b[1]]):
            break
        i += step
        out.append(spans[i][3])
    return out


def _masked(sentence: str, spans) -> str:
    out, pos = [], 0
    for i, (kind, s, e, _) in enumerate(spans):
        out.append(sentence[pos:s].replace("⟨", "<").replace("⟩", ">"))
        out.append(f"⟨{kind}{i}:{spans[i][3].type}⟩" if kind == "E" else f"⟨{kind}{i}⟩")
        pos = e
    out.append(sentence[pos:])
    return "".join(out)


def propose(sentence: str, gaz: Gazetteer, lang: Language, source: str, locator: str,
            mentions: list[Mention] | None = None, last: dict[str, Mention] | None = None) -> list[Candidate]:
    """The candidate claims one sentence yields (ids are filled in by the caller). A pattern
    with `implied` object types takes, when its match names no object, the entity of those
    types named last (`last`, this sentence included: "…, Treasury said")."""
    vocab = vocabulary()
    spans = _spans(sentence, gaz.find(sentence) if mentions is None else mentions, lang)
    if not any(k == "E" for k, *_ in spans):
        return []
    masked = _masked(sentence, spans)
    if lang.family == "zh":  # Chinese puts no spaces between words: none around a slot either
        masked = re.sub(r"\s*(⟨[^⟩]*⟩)\s*", r"\1", masked)
    status, cue = lang.status(sentence)
    found: dict[tuple, Candidate] = {}
    for p in lang.patterns:
        pred = vocab.predicates[p.predicate]
        for m in p.rx.finditer(masked):
            groups = m.groupdict()
            subj: Mention = spans[int(groups["s"])][3]
            obj, new = None, []
            if groups.get("o"):
                o: Mention = spans[int(groups["o"])][3]
                if o.entity == subj.entity:
                    continue
                obj = o.entity
            elif p.implied and (named := [last[t] for t in p.implied if last and t in last and last[t].entity != subj.entity]):
                obj = max(named, key=lambda x: x.start).entity
            elif groups.get("n"):
                n = spans[int(groups["n"])][3]
                obj = slug(n["name"])
                new = [{"id": obj, "type": p.new_type or n["type"], "name": n["name"], "lang": lang.family}]
            fig: Figure | None = spans[int(groups["v"])][3] if groups.get("v") else None
            if fig is not None and _KIND.get(pred.value_kind or "") != fig.kind and pred.value != "forbidden":
                continue
            if (pred.object == "required" and not obj) or (pred.value == "required" and fig is None):
                continue
            value = fig.value if fig is not None and pred.value != "forbidden" else None
            quals = {k: (fig.value if v == "V" else v) for k, v in p.qualifiers.items()
                     if v != "V" or (fig is not None and isinstance(fig.value, (int, float)))}
            when = next((d.value for d in dates(sentence) if fig is None or d.start != fig.start), None)
            si = int(groups["s"])
            subjects = [subj, *_listed(sentence, spans, si, -1), *_listed(sentence, spans, si, 1, _TIGHT_SEP)]
            if p.rest:  # an enumeration after the slot ("attached: A (…), B and C"): every entity of the subject's types
                subjects += [t[3] for t in spans[si + 1:] if t[0] == "E" and t[3].type in p.subject_types
                             and t[3] not in subjects and t[3].entity != obj]
            objects = [obj, *(m.entity for m in _listed(sentence, spans, int(groups["o"]), 1))] if groups.get("o") else [obj]
            for s_ in subjects:
                for o_ in objects:
                    if s_.entity == o_:
                        continue
                    c = Candidate("", source, locator, sentence, p.id, s_.entity, p.predicate, o_, value,
                                  fig.unit if fig is not None and value is not None else None, dict(quals),
                                  when if pred.value_kind != "date" else None, p.status or status, cue, new)
                    found.setdefault(c.key(), c)
    return list(found.values())


def implied(sentence: str, mentions: list[Mention], lang: Language, last: dict[str, Mention]) -> list[Mention]:
    """The mentions of a sentence with its implied ones: a word that stands for an entity named
    before ("the company", 該公司) as that entity; `last` is the entity last named per type."""
    found = list(mentions)
    for rx, types in lang.refer:
        for m in rx.finditer(sentence):
            named = [last[t] for t in types if t in last]
            if named and all(m.end() <= x.start or m.start() >= x.end for x in found):
                ref = max(named, key=lambda x: x.start)  # the latest, if several types could be meant
                found.append(Mention(ref.entity, ref.type, m.start(), m.end(), m[0]))
    return sorted(found, key=lambda x: x.start)


def _remember(last: dict[str, Mention], mentions: list[Mention], order: int) -> None:
    for m in mentions:
        last[m.type] = Mention(m.entity, m.type, order, order, m.text)


def ingest_document(doc: Document, source: str, gaz: Gazetteer, lang: str | None = None) -> Result:
    """Every candidate claim in a document, with locators `¶<paragraph> s<sentence>`."""
    tag = lang or language_of(doc.text)
    language = load_language(family(tag))
    out: list[Candidate] = []
    n_sent = n_ment = 0
    last: dict[str, Mention] = {}
    for pi, para in enumerate(doc.paragraphs(), 1):
        for si, sentence in enumerate(split(para, tag), 1):
            n_sent += 1
            named = gaz.find(sentence)
            n_ment += len(named)
            mentions = implied(sentence, named, language, last) if language.refer else named
            _remember(last, named, n_sent)
            for c in propose(sentence, gaz, language, source, f"¶{pi} s{si}", mentions, last):
                c.id = f"{source}-{len(out) + 1:04d}"
                out.append(c)
    return Result(source, tag, n_sent, n_ment, out)
