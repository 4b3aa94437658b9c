"""An entity's timeline through its lineage: the dated events of the entity, of what it
succeeds (`successor_of`, transitively) and of what succeeds it, so Angstrom-T's history
starts with NIITT in 1963, not in 2021. A takeover (`taken_over_by`) is an event of the
entity taken over; the taker's own history is not followed.

`sentences` says each event in a sentence, in any language (labels in i18n/analysis.yaml)."""

from __future__ import annotations

import json

import pandas as pd

from chipwatch.analysis.wording import claim_sentence, entity_names, name_of
from chipwatch.frames import rows
from chipwatch.i18n.message import Msg
from chipwatch.model.dates import PartialDate
from chipwatch.model.vocabulary import vocabulary
from chipwatch.store.read import Store

SUCCESSION = ("successor_of",)


def lineage(store: Store, entity: str) -> dict[str, str]:
    """Entity id -> how it relates to `entity` (`itself`, `predecessor`, `successor`)."""
    edges = [(c["subject"], c["object"]) for p in SUCCESSION for c in rows(store.claims(predicate=p)) if c["object"]]
    found = {entity: "itself"}
    for role, step in (("predecessor", lambda e: [o for s, o in edges if s == e]),
                       ("successor", lambda e: [s for s, o in edges if o == e])):
        todo = [entity]
        while todo:
            for n in step(todo.pop()):
                if n not in found:
                    found[n] = role
                    todo.append(n)
    return found


def _dated_values(store: Store, entity: str, predicate: str | None) -> pd.DataFrame:
    """Claims whose value is a date and that carry no period of their own (NIITT `founded`
    1963), as events on that date."""
    kinds = [k for k, p in vocabulary().predicates.items() if p.value_kind == "date" and (predicate in (None, k))]
    out = []
    for c in rows(store.claims(subject=entity)):
        if c["predicate"] in kinds and not c["valid_from"] and c["value_json"]:
            value = json.loads(c["value_json"])
            try:
                start = PartialDate.parse(str(value)).start
            except ValueError:
                continue
            out.append({"date": str(value), "sort_date": pd.Timestamp(start), "event": "on", "claim_id": c["id"],
                        "subject": c["subject"], "predicate": c["predicate"], "object": c["object"],
                        "value_json": c["value_json"], "unit": c["unit"], "status": c["status"]})
    return pd.DataFrame(out)


def timeline(store: Store, entity: str | None = None, predicate: str | None = None, follow: bool = True) -> pd.DataFrame:
    """Dated events in order; for an entity (with `follow`) those of its whole lineage, each
    row saying through which member (`via`) and how it is related (`relation`)."""
    if entity is None or not follow:
        df = store.timeline(entity, predicate)
        return df.assign(via=entity, relation="itself" if entity else None)
    parts = []
    for member, relation in lineage(store, entity).items():
        for df in (store.timeline(member, predicate), _dated_values(store, member, predicate)):
            if len(df):
                parts.append(df.assign(via=member, relation=relation))
    if not parts:
        return store.timeline(entity, predicate).assign(via=entity, relation="itself")
    df = pd.concat(parts, ignore_index=True)
    rank = {"itself": 0, "predecessor": 1, "successor": 2}
    df = df.assign(_r=df.relation.map(rank)).sort_values(["sort_date", "event", "claim_id", "_r"], kind="stable")
    return df.drop_duplicates(["claim_id", "event"]).drop(columns="_r").reset_index(drop=True)


def sentences(store: Store, events: pd.DataFrame) -> list[Msg]:
    """Each event of a timeline in a sentence: when (from, until, on), what the claim says,
    and through which predecessor or successor it reaches the entity."""
    names = entity_names(store)
    out = []
    for e in rows(events):
        when = Msg(f"analysis.timeline.{e['event'] if e['event'] in ('from', 'until') else 'on'}", date=str(e["date"]))
        what = claim_sentence(names, e)
        relation = e.get("relation")
        if relation in ("predecessor", "successor") and e.get("via"):
            said = {"when": when, "what": what, "relation": Msg(f"analysis.relation.{relation}")}
            out.append(Msg("analysis.timeline.event.member", **said) if e["via"] == e["subject"] else
                       Msg("analysis.timeline.event.via", via=name_of(names, e["via"]), **said))
        else:
            out.append(Msg("analysis.timeline.event", when=when, what=what))
    return out


def with_sentences(store: Store, events: pd.DataFrame, lang: str | None = None) -> pd.DataFrame:
    """The events with each one's sentence in `lang` (English by default) as `msg` and its
    label key as `code`, for JSON and tables."""
    said = sentences(store, events)
    return events.assign(msg=[m.text(lang or "en") for m in said], code=[m.code for m in said])
