"""name_variant: a quote spells an entity of its claim as a near miss of that entity's names."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from chipwatch.analysis.check.common import Finding, finding, terms
from chipwatch.analysis.check.context import Context
from chipwatch.analysis.check.footnotes import title_only
from chipwatch.analysis.check.text import CYRILLIC, WORD, fold
from chipwatch.i18n.message import Msg

_LATIN_WORD = re.compile(r"[A-Za-z]+")


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

    def __init__(self, ctx: Context):
        rules = ctx.terms["name_variants"]
        self.min = rules["min_length"]
        self.generic = set(rules["generic_words"])
        self.limits = sorted((x["up_to"], x["distance"]) for x in rules["max_distance"])
        self.primary: dict[str, set[str]] = defaultdict(set)  # entity -> words
        self.aliases: dict[str, list[str]] = defaultdict(list)
        self.translit: dict[str, set[str]] = defaultdict(set)
        owners: dict[str, set[str]] = defaultdict(set)
        for n in ctx.names:
            folded = fold(n["name"])
            if n["kind"] in ("name", "legal"):
                for w in _LATIN_WORD.findall(folded):
                    self.primary[n["entity_id"]].add(w)
                    owners[w].add(n["entity_id"])
            elif n["kind"] == "alias":
                self.aliases[n["entity_id"]].append(n["name"])
            if CYRILLIC.search(folded):
                self.translit[n["entity_id"]].update(WORD.findall(_translit(folded)))
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
            if not m[0][0].isupper():  # a near miss of a name is written as a name ("sales" is no "States")
                continue
            if len(w) < self.min or w in self.known or w in self.generic or w in self.translit.get(entity, ()):
                continue
            for p in sorted(self.distinctive.get(entity, ())):
                if abs(len(w) - len(p)) > self.max_distance(p):
                    continue
                d = _levenshtein(w, p)
                if 0 < d <= self.max_distance(p):
                    out.append((m[0], p, d))
        return out


def name_variants(ctx: Context) -> Iterable[Finding]:
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
    cited = title_only(ctx)
    for (source, key, word), g in sorted(groups.items()):
        # the entity the word names most directly: its label starts with the word, and is short
        ents = sorted(g["entities"], key=lambda e: (
            _LATIN_WORD.findall(fold(ctx.label(e)))[:1] != [word], len(ctx.label(e)), e))
        ent = ctx.entities[ents[0]]
        aliases = [a for e in ents for a in sp.aliases.get(e, ()) if key in _LATIN_WORD.findall(fold(a))]
        where = Msg("check.where.title" if source in cited else "check.where.quote", source=ctx.source_name(source))
        said = {"where": where, "surface": g["surface"], "en": ent["label_en"], "word": word.capitalize()}
        msg = (Msg("check.name_variant.both", zh=ent["label_zh"], **said)
               if ent["label_zh"] and ent["label_zh"] != ent["label_en"] else Msg("check.name_variant", **said))
        yield finding(
            "name_variant", "warning", msg,
            list(dict.fromkeys(g["claims"])),
            {"source": source, "footnote": ctx.sources.get(source, {}).get("footnote"),
             "as_written": g["surface"], "entity": ents[0], "entity_label": ent["label_en"],
             "entity_label_zh": ent["label_zh"], "entities": ents, "closest_name_word": word,
             "edit_distance": g["distance"], "recorded_as_alias": aliases,
             "quotes": sorted(g["quotes"])})
