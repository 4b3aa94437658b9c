"""Sanctions designations: one row per (entity, authority), the dates the claims give, and
the bounds the imported list snapshots put on them (the first version listing the entity,
the last version before it that did not), both shown, and where they disagree (`conflict`
in English, `conflict_msg` to say in any language; labels in i18n/analysis.yaml)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from chipwatch.analysis.wording import Listed, as_dict, entity_names, name_of, status
from chipwatch.frames import rows
from chipwatch.i18n.message import Msg
from chipwatch.store.read import Store

US = ("ofac", "united-states", "us-government", "us-treasury")  # authorities the OFAC SDN list speaks for
WEST = ("western-countries",)  # the US among them: the SDN list bounds what the US did, no more


@dataclass
class Designation:
    subject: str
    authority: str
    claims: list[str]
    statuses: list[str]
    claimed: list[str]  # the dates the claims give (valid_from), earliest first
    programs: list[str] = field(default_factory=list)
    list_id: str | None = None  # the OFAC ent_num the entity's identifiers give
    not_listed_on: str | None = None  # the last snapshot before the first listing that lacks it
    listed_on: str | None = None  # the first snapshot listing it
    conflict: str | None = None  # a claimed date the snapshots contradict, in words (str(conflict_msg))
    conflict_msg: Msg | None = None
    msg: Msg | None = None  # the designation in a sentence, to say in any language

    @property
    def date(self) -> str | None:
        """The date to sort and show: the earliest claimed one, else the first listing."""
        return self.claimed[0] if self.claimed else self.listed_on

    def to_dict(self, lang: str | None = None) -> dict:
        """Every field and the date; the sentences said in `lang` (default English)."""
        return {**as_dict(self, lang), "date": self.date}


def snapshots(store: Store) -> dict[str, tuple[str | None, str | None]]:
    """OFAC ent_num -> (last snapshot date not listing it before its first listing, first
    snapshot date listing it); only ent_nums the store's entities carry."""
    versions = store.con.execute("SELECT id, date FROM list_versions WHERE kind = 'ofac' ORDER BY date, id").fetchall()
    nums = [r[0] for r in store.con.execute("SELECT DISTINCT value FROM identifiers WHERE scheme = 'ofac_ent_num'").fetchall()]
    if not versions or not nums:
        return {}
    held = {(v, i) for v, i in store.con.execute(
        "SELECT version, list_id FROM list_entries WHERE list_contains(?, list_id) AND list_contains(?, version)",
        [nums, [v for v, _ in versions]]).fetchall()}
    out = {}
    for num in nums:
        before, first = None, None
        for vid, date in versions:
            if (vid, num) in held:
                first = str(date)
                break
            before = str(date)
        out[num] = (before, first)
    return out


def designations(store: Store) -> list[Designation]:
    """Every designation the claims give, one row per (entity, authority), in date order."""
    ent_num = dict(store.con.execute("SELECT entity_id, value FROM identifiers WHERE scheme = 'ofac_ent_num'").fetchall())
    bounds = snapshots(store)
    names = entity_names(store)
    groups: dict[tuple[str, str], list[dict]] = {}
    for c in rows(store.claims(predicate="sanctioned_by")):
        groups.setdefault((c["subject"], c["object"] or ""), []).append(c)
    out = []
    for (subject, authority), claims in groups.items():
        quals = [json.loads(c["qualifiers"]) if c["qualifiers"] else {} for c in claims]
        d = Designation(subject, authority, sorted(c["id"] for c in claims), sorted({c["status"] for c in claims}),
                        sorted({str(c["valid_from"]) for c in claims if c["valid_from"]}),
                        sorted({str(q["program"]) for q in quals if q.get("program")}))
        num = ent_num.get(subject)
        if num and num in bounds and (authority in US or authority in WEST):
            d.list_id = num
            d.not_listed_on, d.listed_on = bounds[num]
            early = [x for x in d.claimed if d.not_listed_on and x[:len(d.not_listed_on)] < d.not_listed_on[:len(x)]]
            if early:
                d.conflict_msg = Msg("analysis.designation.conflict.us" if authority in US else "analysis.designation.conflict.west",
                                     claimed=early[0], before=d.not_listed_on, first=d.listed_on, num=num)
                d.conflict = str(d.conflict_msg)
        d.msg = _sentence(d, names)
        out.append(d)
    out.sort(key=lambda d: (d.date is None, d.date or "", d.subject, d.authority))
    return out


def _sentence(d: Designation, names: dict) -> Msg:
    """Who is sanctioned by whom, from when (or since which snapshot), under which programs."""
    said = {"who": name_of(names, d.subject), "by": name_of(names, d.authority), "statuses": Listed([status(s) for s in d.statuses])}
    if d.claimed:
        when = Msg("analysis.designation.from", date=d.claimed[0])
    elif d.listed_on:
        when = Msg("analysis.designation.listed", date=d.listed_on)
    else:
        when = Msg("analysis.designation.undated")
    programs = Msg("analysis.designation.programs", programs=Listed(d.programs)) if d.programs else ""
    return Msg("analysis.designation", when=when, programs=programs, **said)
