"""The store's rows, loaded once, with the lookups the checks share (labels, entities of a
claim, containment)."""

from __future__ import annotations

from collections import defaultdict

from chipwatch.analysis.check.common import as_list, fetch, from_json, terms
from chipwatch.analysis.check.text import HAN, Lexicon
from chipwatch.i18n.message import Msg, Name
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store


class Context:
    """The store's rows, loaded once, with the lookups the checks share."""

    def __init__(self, store: Store):
        self.store = store
        self.vocab = vocabulary()
        self.terms = terms()
        self.entities = {e["id"]: e for e in fetch(store, "SELECT id, type, label_en, label_zh FROM entities")}
        self.sources = {s["id"]: s for s in fetch(
            store, "SELECT id, title, author, publisher, date, kind, held, cited_in, footnote FROM sources")}
        self.names = fetch(store, "SELECT entity_id, name, lang, kind, key FROM names")
        self.claims: dict[str, dict] = {}
        for c in fetch(store, """SELECT id, subject, predicate, object, value_json, value_num, value_min,
                                         value_max, value_text, unit, approx, as_written, qualifiers,
                                         valid_from, valid_to, status, note FROM claims ORDER BY id"""):
            c["q"] = from_json(c["qualifiers"]) or {}
            c["evidence"] = []
            self.claims[c["id"]] = c
        self.orphan_evidence: list[dict] = []
        for e in fetch(store, "SELECT claim_id, seq, source, locator, quote FROM evidence ORDER BY claim_id, seq"):
            claim = self.claims.get(e["claim_id"])
            (claim["evidence"] if claim else self.orphan_evidence).append(e)
        self._lexicon: Lexicon | None = None
        self._contains: dict[str, set[str]] | None = None

    # labels ----------------------------------------------------------------------------------
    def label(self, concept: str) -> str:
        """An entity's (or a contrast term's) English name."""
        return self.name(concept).text("en")

    def name(self, concept: str) -> Name:
        """An entity's name in both scripts; a contrast term (term:gas:argon) by its word and
        its first Chinese word in terms.yaml; an unknown id as it is."""
        if concept.startswith("term:"):
            _, group, term = concept.split(":", 2)
            words = self.terms["footnotes"]["contrast_groups"].get(group, {}).get("terms", {}).get(term, [])
            return Name(term, next((w for w in words if HAN.search(w)), None))
        e = self.entities.get(concept)
        return Name(e["label_en"] or concept, e["label_zh"]) if e else Name(concept, concept)

    def source_label(self, source_id: str, capital: bool = True) -> str:
        return self.source_name(source_id, capital).text("en")

    def source_name(self, source_id: str, capital: bool = True) -> Msg:
        """A source as a sentence names it: Footnote 3, 楊永年 (2025), “a title”."""
        s = self.sources.get(source_id)
        if s is None:
            return Msg("check.source.unknown", id=source_id)
        if s["footnote"] is not None and s["cited_in"]:
            return Msg("check.source.footnote" if capital else "check.source.footnote_lower", n=s["footnote"])
        who = s["author"] or s["publisher"]
        if who and s["date"]:
            return Msg("check.source.who_date", who=who, date=str(s["date"]))
        return Msg("check.source.who", who=who) if who else Msg("check.quoted", text=s["title"])

    def entity_ids(self, claim: dict) -> set[str]:
        """Subject, object and entity-valued qualifiers of a claim."""
        out = {claim["subject"]}
        if claim["object"]:
            out.add(claim["object"])
        for key in self.vocab.entity_qualifiers.intersection(claim["q"]):
            out.update(as_list(claim["q"][key]))
        return {x for x in out if isinstance(x, str)}

    def evidence_view(self, claim: dict) -> list[dict]:
        return [{"source": e["source"], "source_label": self.source_label(e["source"]),
                 "locator": e["locator"], "quote": e["quote"]} for e in claim["evidence"]]

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = Lexicon(self)
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
