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


_SLOT_E = re.compile(r"⟨E(\d+):")
_GOES_ON = re.compile(r"\s*(?:並|并|且|也|亦|另|而|但|更|還|还|再|則|则|便|同時|同时)")
_TOPIC = re.compile(r"⟨E(\d+):[^⟩]*⟩")  # an entity slot before the match


def _latest(spans, ids, types, last: dict[str, Mention] | None, other: str | None) -> Mention | None:
    """The entity of `types` named last among the sentence's slots `ids`, else the topic of the
    sentences before (`last`)."""
    here = [spans[i][3] for i in ids if spans[i][3].type in types and spans[i][3].entity != other]
    if here:
        return here[-1]
    before = [last[t] for t in types if last and t in last and last[t].entity != other]
    return max(before, key=lambda x: x.start) if before else None


def propose(sentence: str, gaz: Gazetteer, lang: Language, source: str, locator: str,
            mentions: list[Mention] | None = None, last: dict[str, Mention] | None = None) -> list[Candidate]:
    """The candidate claims one sentence yields (ids are filled in by the caller). A pattern
    with `implied` object types takes, when its match names no object, the entity of those
    types named last in the sentence ("…, Treasury said") or before it (`last`); a pattern
    with no {S} and `implied_subject` types takes its subject from before the match."""
    vocab = vocabulary()
    spans = _spans(sentence, gaz.find(sentence) if mentions is None else mentions, lang)
    if not any(k == "E" for k, *_ in spans):
        return []
    masked = _masked(sentence, spans)
    if lang.family == "zh":  # Chinese puts no spaces between words: none around a slot either
        masked = re.sub(r"\s*(⟨[^⟩]*⟩)\s*", r"\1", masked)
    every = [int(x) for x in _SLOT_E.findall(masked)]
    status, cue = lang.status(sentence)
    found: dict[tuple, Candidate] = {}
    for p in lang.patterns:
        pred = vocab.predicates[p.predicate]
        for m in p.rx.finditer(masked):
            groups = m.groupdict()
            o: Mention | None = spans[int(groups["o"])][3] if groups.get("o") else None
            si = int(groups["s"]) if groups.get("s") else None
            if si is not None:
                subj: Mention | None = spans[si][3]
            else:  # a dropped subject (並與杭氧集團建設…): the entity named nearest before the match, unless the
                # sentence goes on from the one before (並…, 也…): then that sentence's topic (measured on the
                # chapters the patterns were written from: nearest 23 right, first-named 19)
                head = "" if _GOES_ON.match(sentence) else masked[:m.start()]
                ids = [int(x.group(1)) for x in _TOPIC.finditer(head)]
                subj = _latest(spans, ids, p.implied_subject, last, o.entity if o else None) \
                    if p.implied_subject else None
            if subj is None:
                continue
            obj, new = None, []
            if o is not None:
                if o.entity == subj.entity:
                    continue
                obj = o.entity
            elif p.implied and (named := _latest(spans, every, p.implied, last, subj.entity)):
                obj = named.entity
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
            subjects = [subj]
            if si is not None:
                subjects += [*_listed(sentence, spans, si, -1), *_listed(sentence, spans, si, 1, _TIGHT_SEP)]
            if p.rest:  # an enumeration ("A (…); B and C"): every entity of the subject's types from the match on
                inside = [int(x) for x in _SLOT_E.findall(masked[m.start():])]
                subjects += [spans[j][3] for j in inside if (si is None or j > si) and spans[j][3].type in p.subject_types
                             and spans[j][3] not in subjects and spans[j][3].entity != obj]
            objects = [obj, *(x.entity for x in _listed(sentence, spans, int(groups["o"]), 1))] if groups.get("o") else [obj]
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
    """After a sentence: per type, the first entity it named (its topic) is the one later
    sentences refer to ("the company", 該公司) or leave out."""
    for m in reversed(mentions):
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
            for c in propose(sentence, gaz, language, source, f"¶{pi} s{si}", mentions, last):
                c.id = f"{source}-{len(out) + 1:04d}"
                out.append(c)
            _remember(last, named, n_sent)
    return Result(source, tag, n_sent, n_ment, out)
