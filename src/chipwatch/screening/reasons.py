"""Why a match is a hit: listed, owned or review, with what a person checks it by — the
ownership chain with names, shares, dates and the listed owner's entry; the knowledge
graph's `sanctioned_by` claims with their quotes when no list version holds the party."""

from __future__ import annotations

import json
from dataclasses import dataclass

from chipwatch.i18n import t
from chipwatch.screening.lists.model import ListEntry
from chipwatch.screening.matcher import Match
from chipwatch.screening.ownership import Ownership, owned_in_version
from chipwatch.store.read import Store


def why(code: str, **values) -> dict:
    """A review reason as a code and its values."""
    return {"code": code, **values}


def _below(score: float, band: float) -> str:
    """The score as the pages show it (two decimals), with a third where two would reach
    the band (0.899 is not '0.90 is below 0.90')."""
    shown = f"{score:.2f}"
    return shown if float(shown) < band else f"{int(score * 1000) / 1000:.3f}"


def why_text(w: dict) -> str:
    """A review reason in English (pages say it in their language: i18n `why.<code>`)."""
    return t(f"why.{w['code']}", "en", **w)


@dataclass
class _Party:
    name: str
    entry: dict | None  # the list entry that makes it a listed party: {version, list_id, caption, programs}


class Reasons:
    """Hits for one screening: list versions, their ownership results, the graph's claims."""

    def __init__(self, store: Store, versions: list, engine: str = "duckdb", day: str | None = None):
        self.store, self.versions, self.engine = store, versions, engine
        self.day = day  # the day stakes must be held on (default: today)

    # -- lookups (each computed once per open store: it is read-only) ------------------------

    def ownership(self, version: str) -> dict[str, Ownership]:
        def compute():
            n = self.store.con.execute("SELECT count(*) FROM list_relations WHERE version = ?", [version]).fetchone()[0]
            return owned_in_version(self.store, version, self.engine, self.day) if n else {}
        return self.store.memo(("owned", version, self.day), compute)

    def entry_by_id(self, version: str, list_id: str) -> ListEntry | None:
        row = self.store.con.execute("SELECT record FROM list_entries WHERE version = ? AND list_id = ?",
                                     [version, list_id]).fetchone()
        return ListEntry.from_record(row[0]) if row else None

    def _captions(self, version: str) -> dict[str, tuple[str, list[str]]]:
        return self.store.memo(("captions", version), lambda: {lid: (cap, progs) for lid, cap, progs in self.store.con.execute(
            "SELECT list_id, caption, programs FROM list_entries WHERE version = ?", [version]).fetchall()})

    def _relations(self, version: str) -> dict[tuple[str, str], list[dict]]:
        def compute():
            out: dict[tuple[str, str], list[dict]] = {}
            for owner, asset, share, start, end in self.store.con.execute(
                    "SELECT owner, asset, share_pct, start_date, end_date FROM list_relations WHERE version = ?",
                    [version]).fetchall():
                out.setdefault((owner, asset), []).append({"share_pct": share, "start": start, "end": end})
            return out
        return self.store.memo(("relations", version), compute)

    def _kb_links(self) -> dict[str, list[dict]]:
        from chipwatch.screening.links import _all_links

        return self.store.memo("list-links", lambda: _all_links(self.store))

    # -- chains ----------------------------------------------------------------------------

    def _party(self, version: str, pid: str) -> _Party:
        if version == "kb":
            label = self._label(pid)
            listed = [link for link in self._kb_links().get(pid, []) if link["programs"]]
            entry = {k: listed[0][k] for k in ("version", "list_id", "caption", "programs")} if listed else None
            return _Party(label, entry)
        caption, programs = self._captions(version).get(pid, (pid, []))
        return _Party(caption, {"version": version, "list_id": pid, "caption": caption, "programs": programs}
                      if programs else None)

    def named_chain(self, version: str, paths: list[list[dict]]) -> list[list[dict]]:
        """Each ownership path, listed party first, every step with the owner's and the
        asset's names, the share, the dates the source gives, and for the listed party
        its list entry."""
        out = []
        for path in paths:
            steps = []
            for i, step in enumerate(path):
                owner, asset = self._party(version, step["owner"]), self._party(version, step["asset"])
                named = {"owner": step["owner"], "owner_name": owner.name, "asset": step["asset"], "asset_name": asset.name,
                         "share_pct": step.get("share_pct"), "start": step.get("start"), "end": step.get("end")}
                if version != "kb":
                    held = [r for r in self._relations(version).get((step["owner"], step["asset"]), [])
                            if r["share_pct"] == step.get("share_pct")]
                    if held:
                        named["start"], named["end"] = held[0]["start"], held[0]["end"]
                if step.get("claims"):
                    named["claims"] = step["claims"]
                    named["start"], named["end"] = self._claim_dates(step["claims"])
                if i == 0:
                    named["owner_entry"] = owner.entry
                steps.append(named)
            out.append(steps)
        return out

    def _claim_dates(self, claim_ids: list[str]) -> tuple[str | None, str | None]:
        rows = self.store.con.execute("SELECT min(valid_from), max(valid_to) FROM claims WHERE list_contains(?, id)",
                                      [claim_ids]).fetchone()
        return rows[0], rows[1]

    # -- hits -------------------------------------------------------------------------------

    def list_hit(self, qid: str, v, m: Match, score: float, via: dict | None, review_below: float):
        """The hit a list match makes, or None (an FtM entry neither sanctioned nor owned)."""
        from chipwatch.screening.screen import Hit

        entry = m.entry
        owned = self.ownership(v.id).get(entry.list_id)
        whys: list[dict] = []
        if entry.programs:
            reason, topics = "listed", entry.topics or ["sanction"]
        elif owned:
            reason, topics = owned.reason, ["sanction.linked"]
            if owned.reason == "review":
                whys.append(why("share", known=f"{owned.known_share:g}", unknown=owned.unknown_owners))
        else:
            return None
        if score < review_below:
            whys.append(why("score", score=_below(score, review_below), band=f"{review_below:.2f}"))
            reason = "review"
        entity = self._entity_of(v.id, entry.list_id) or (via["kb_entity"] if via else None)
        explanation = {**m.explanation, **({"via": via} if via else {})}
        if via and score < m.score:
            explanation["through_graph"] = (f"found through the knowledge graph's {via['kb_entity']}: at most the query's "
                                            f"score against the graph, {via['score']:.2f}")
            explanation["summary"] = (f"{score:.2f}: through the knowledge graph's {via['kb_entity']} "
                                      f"({via['score']:.2f}); " + explanation.get("summary", ""))
        return Hit(qid, v.kind, v.id, v.date, entry.list_id, entry.caption, entry.schema, round(score, 4), reason,
                   entry.programs, entity, explanation, self.named_chain(v.id, owned.chain) if owned else [],
                   [why_text(w) for w in whys], topics, entry=entry, why=whys)

    def _entity_of(self, version: str, list_id: str) -> str | None:
        """The graph's entity an entry is linked to by identifiers, if any."""
        def compute():
            return {(link["version"], link["list_id"]): eid for eid, links in self._kb_links().items() for link in links}
        return self.store.memo("entry-entities", compute).get((version, list_id))

    def kb_hits(self, qid: str, via: dict | None, hits: list, threshold: float) -> list:
        """Hits from the knowledge graph for the party the query reached: owned under the
        50 % rule in the graph, or sanctioned by the graph's claims where no list version
        imported holds it."""
        from chipwatch.screening.links import kb_ownership
        from chipwatch.screening.screen import Hit

        if not via or via["score"] < threshold:
            return []
        eid = via["kb_entity"]
        if any(h.entity == eid and h.reason == "listed" for h in hits):
            return []
        label = self._label(eid)
        out = []
        if owned := kb_ownership(self.store, self.engine).get(eid):
            whys = [] if owned.reason == "owned" else [why("part_of")]
            out.append(Hit(qid, "kb", "knowledge graph", None, eid, label, "", via["score"], owned.reason, [], eid,
                           {"summary": f"{label} is {owned.reason} under the 50 % rule in the knowledge graph", "via": via},
                           self.named_chain("kb", owned.chain), [why_text(w) for w in whys], ["sanction.linked"], why=whys))
        claims = self.sanction_claims(eid)
        held = any(h.entity == eid for h in hits) or any(
            link["version"] in {v.id for v in self.versions} for link in self._kb_links().get(eid, []))
        if claims and not held:  # the graph says sanctioned, and no list screened holds the party
            held = ", ".join(f"{v.id} ({v.date})" for v in self.versions)
            by = "; ".join(sorted({c["object_label"] for c in claims}))
            whys = [why("claim", claims=", ".join(c["id"] for c in claims), by=by, held=held)]
            out.append(Hit(qid, "kb", "knowledge graph", None, eid, label, "", via["score"], "review", [], eid,
                           {"summary": f"the knowledge graph says {label} is sanctioned by {by}; no list version screened "
                                       f"holds it ({held})", "via": via},
                           [], [why_text(w) for w in whys], ["sanction"], claims, why=whys))
        return out

    def sanction_claims(self, eid: str) -> list[dict]:
        """The graph's `sanctioned_by` claims about an entity, each with its evidence."""
        return self.store.memo(("sanction-claims", eid), lambda: self._sanction_claims(eid))

    def _label(self, eid: str) -> str:
        return self.store.memo(("label", eid), lambda: self.store.labels([eid]).get(eid, eid))

    def _sanction_claims(self, eid: str) -> list[dict]:
        rows = self.store.dicts(
            "SELECT c.id, c.object, c.valid_from, c.valid_to, c.status, c.qualifiers FROM claims c "
            "WHERE c.subject = ? AND c.predicate = 'sanctioned_by' ORDER BY c.valid_from NULLS LAST, c.id", [eid])
        if not rows:
            return []
        labels = self.store.labels([r["object"] for r in rows if r["object"]])
        evidence: dict[str, list[dict]] = {}
        for r in self.store.dicts("SELECT claim_id, source, locator, quote, translation FROM evidence "
                                  "WHERE list_contains(?, claim_id) ORDER BY claim_id, seq", [[r["id"] for r in rows]]):
            evidence.setdefault(r.pop("claim_id"), []).append(r)
        return [{**r, "qualifiers": json.loads(r["qualifiers"]) if r["qualifiers"] else {},
                 "object_label": labels.get(r["object"], r["object"]), "evidence": evidence.get(r["id"], [])} for r in rows]
