"""The store's rows, loaded once, with the lookups the checks share (labels, entities of a
claim, containment)."""

from __future__ import annotations

import re
from collections import defaultdict

from chipwatch.analysis.check.common import as_list, fetch, from_json, terms
from chipwatch.analysis.check.text import Lexicon
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
