"""Technology gap: each of a country's fabs' best process node and each material's purity
against the leading edge, in years (foreign fabs that make its products are suppliers, not
laggards), from a reference table that is itself a sourced dataset
(`first_volume_production` claims on process-node technologies; `purity` claims on the
leading-edge grade), never constants in code.

Each gap's sentence, best and leading level are `Msg`s (`msg`, `best_msg`, `leading_msg`:
labels in i18n/analysis.yaml), said in English as `sentence`, `best` and `leading`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from chipwatch.analysis.period import default_as_of
from chipwatch.analysis.wording import Listed, as_dict, country, entity_names, name_of, status
from chipwatch.errors import ChipwatchError
from chipwatch.frames import rows
from chipwatch.i18n.message import Msg, Name
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import parse_purity
from chipwatch.store.read import Store, parse_as_of

NODE_PREDICATES = ("fabricates", "process_node", "process_range")
SETTLED = ("fact", "reported")  # a node a fab runs; planned ones are targets


@dataclass
class Gap:
    kind: str  # node | purity
    subject: str
    label: str
    best: str
    leading: str
    years_behind: float | None
    sentence: str
    claims: list[str]
    reference_claims: list[str]
    targets: list[dict] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    as_of: str | None = None  # the period the gap is read at
    country: str = "RU"  # whose capability
    msg: Msg | None = None  # the sentence, to say in any language
    best_msg: Msg | None = None
    leading_msg: Msg | None = None
    name: Name | None = None  # the subject's name in both scripts (`label` is the English one)

    @property
    def kind_label(self) -> Msg:
        return Msg(f"analysis.gap.kind.{self.kind}")

    def to_dict(self, lang: str | None = None) -> dict:
        """Every field; the sentences and `kind_label` said in `lang` (default English)."""
        english = {"msg": self.sentence, "best_msg": self.best, "leading_msg": self.leading or None}
        return {**as_dict(self, lang, english), "kind_label": self.kind_label.text(lang or "en")}


def _gap(kind: str, subject: str, label: Name, best: Msg, leading: Msg | None, years_behind: float | None, msg: Msg,
         claims: list[str], reference_claims: list[str], **kw) -> Gap:
    """A gap with its sentence and levels said in English too."""
    return Gap(kind, subject, str(label), str(best), str(leading) if leading else "", years_behind, str(msg), claims,
               reference_claims, msg=msg, best_msg=best, leading_msg=leading, name=label, **kw)


def node_years(store: Store) -> dict[float, tuple[int, str]]:
    """Process node (nm) -> (first year of volume production, claim id): the earliest sourced year."""
    table: dict[float, tuple[int, str]] = {}
    for c in rows(store.claims(predicate="first_volume_production")):
        q = json.loads(c["qualifiers"]) if c["qualifiers"] else {}
        if "node_nm" not in q or c["status"] not in SETTLED:  # disputed years are shown, not used
            continue
        year = PartialDate.parse(json.loads(c["value_json"])).year
        node = float(q["node_nm"])
        if node not in table or year < table[node][0]:
            table[node] = (year, c["id"])
    return table


def _year_of(node: float, table: dict[float, tuple[int, str]]) -> tuple[int, str, float] | None:
    """The reference year of `node`, or of the nearest larger node in the table (a fab at
    50 nm is at least as old as the 65 nm generation)."""
    candidates = [n for n in table if n >= node]
    if not candidates:
        return None
    n = min(candidates)
    return table[n][0], table[n][1], n


def _nodes(c: dict) -> list[float]:
    q = json.loads(c["qualifiers"]) if c["qualifiers"] else {}
    if c["predicate"] == "fabricates":
        return [float(q["node_nm"])] if "node_nm" in q else []
    if c["value_min"] is not None and c["value_min"] == c["value_min"]:
        return [float(c["value_min"])]
    if c["value_num"] is not None and c["value_num"] == c["value_num"]:
        return [float(c["value_num"])]
    return []


def gap(store: Store, as_of: str | None = None, country: str = "RU") -> list[Gap]:
    """Node and purity gaps of `country`'s own fabs and materials valid at `as_of` (default:
    the latest year the data covers); foreign fabs making its products are listed as
    suppliers, with the node they run for it and no years behind."""
    as_of = default_as_of(store, as_of)
    period = parse_as_of(as_of)
    table = node_years(store)
    if not table:
        raise ChipwatchError("no reference table of node years in the store (first_volume_production claims); "
                             "build with datasets/reference too: chipwatch build datasets/russia datasets/reference")
    horizon = period.end.year if period else max(y for y, _ in table.values())
    known = {n: v for n, v in table.items() if v[0] <= horizon}
    if not known:
        raise ChipwatchError(f"as of {as_of} no node of the reference table was in volume production yet "
                             f"(the first in {min(y for y, _ in table.values())}); give a later --as-of")
    lead_node = min(known)
    lead_year, lead_claim = known[lead_node]
    names = entity_names(store)
    countries = dict(store.con.execute("SELECT id, country FROM entities").fetchall())
    out: list[Gap] = []
    by_subject: dict[str, dict] = {}
    for pred in NODE_PREDICATES:
        for c in rows(store.claims(predicate=pred, as_of=period)):
            for node in _nodes(c):
                entry = by_subject.setdefault(c["subject"], {"settled": [], "targets": []})
                entry["settled" if c["status"] in SETTLED else "targets"].append((node, c))
    ours = {c["object"] for c in rows(store.claims(predicate="designs")) if countries.get(c["subject"]) == country}
    for subject, entry in sorted(by_subject.items()):
        if countries.get(subject) != country:
            out += _supplier(subject, entry, names, countries, country, as_of, ours)
            continue
        candidates = entry["settled"] or [(n, c) for n, c in entry["targets"] if c["status"] != "planned"]
        if not candidates:
            continue  # only plans: shown as targets of nobody
        best, claim = min(candidates, key=lambda x: x[0])
        entry["targets"] = [(n, c) for n, c in entry["targets"] if c is not claim]
        ref = _year_of(best, table)
        if ref is None:
            continue
        year, ref_claim, ref_node = ref
        behind = lead_year - year
        targets = [{"node_nm": n, "status": c["status"], "claim": c["id"], "valid_from": c["valid_from"]}
                   for n, c in sorted(entry["targets"], key=lambda x: x[0])]
        name = name_of(names, subject)
        msg = Msg("analysis.gap.node", as_of=as_of, name=name, best=best, year=year, behind=behind, lead_node=lead_node,
                  lead_year=lead_year,
                  status="" if claim["status"] in SETTLED else Msg("analysis.gap.status", status=status(claim["status"])),
                  as_node="" if ref_node == best else Msg("analysis.gap.as_node", node=ref_node))
        out.append(_gap("node", subject, name, Msg("analysis.gap.nm", n=best),
                        Msg("analysis.gap.nm_year", n=lead_node, year=lead_year), behind, msg,
                        [claim["id"]], [ref_claim, lead_claim], targets=targets,
                        details={"node_nm": best, "node_year": year, "leading_node_nm": lead_node, "leading_year": lead_year},
                        as_of=as_of, country=country))
    out += _purity(store, period, names, as_of, country, countries)
    order = {"node": 0, "purity": 1, "supplier": 2}
    out.sort(key=lambda g: (order[g.kind], -(g.years_behind or 0), g.subject))
    return out


def _supplier(subject: str, entry: dict, names: dict, countries: dict, home: str, as_of: str | None,
              ours: set[str]) -> list[Gap]:
    """A foreign fab that makes `home`'s products (`ours`): the nodes it runs for them, no gap."""
    made = [(n, c) for n, c in entry["settled"] + entry["targets"]
            if c["predicate"] == "fabricates" and c["object"] in ours and c["status"] != "planned"]
    if not made:
        return []
    name = name_of(names, subject)
    products = sorted({c["object"] for _, c in made})
    nodes = Listed([Msg("analysis.gap.nm", n=n) for n in sorted({n for n, _ in made})], "slash")
    statuses = sorted({c["status"] for _, c in made})
    where = countries.get(subject) or "?"
    msg = Msg("analysis.gap.supplier", name=name, where=country(where), country=country(home), as_of=as_of,
              products=Listed([name_of(names, p) for p in products]), nodes=nodes,
              statuses=Listed([status(x) for x in statuses]))
    return [_gap("supplier", subject, name, nodes, None, None, msg, sorted(c["id"] for _, c in made), [],
                 details={"products": products, "nodes_nm": sorted({n for n, _ in made}), "supplier_country": where},
                 as_of=as_of, country=home)]


def _purity(store: Store, period, names: dict, as_of: str | None, country: str, countries: dict) -> list[Gap]:
    claims = rows(store.claims(predicate="purity", as_of=period))
    graded = [(parse_purity(json.loads(c["value_json"])), c) for c in claims]
    if not graded:
        return []
    lead, lead_claim = max(graded, key=lambda x: x[0])
    lags = {c["subject"]: c for c in rows(store.claims(predicate="lags_behind", as_of=period))}
    out = []
    for nines, c in graded:
        if nines >= lead or countries.get(c["subject"]) not in (country, None):  # the leading grade, or abroad
            continue
        name = name_of(names, c["subject"])
        lag = lags.get(c["subject"])
        years = None
        said = ""
        if lag and lag["value_json"]:
            v = json.loads(lag["value_json"])
            years = v.get("min") if isinstance(v, dict) else v
            over = isinstance(v, dict) and "max" not in v
            said = Msg("analysis.gap.lag_over" if over else "analysis.gap.lag", years=years)
        msg = Msg("analysis.gap.purity", as_of=as_of, name=name, nines=nines, lead=lead, short=lead - nines, lag=said)
        out.append(_gap("purity", c["subject"], name, Msg("analysis.gap.nines", n=nines),
                        Msg("analysis.gap.nines", n=lead), years, msg,
                        [c["id"]] + ([lag["id"]] if lag else []), [lead_claim["id"]],
                        details={"nines": nines, "leading_nines": lead, "nines_short": lead - nines},
                        as_of=as_of, country=country))
    return out
