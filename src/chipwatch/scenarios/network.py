"""The supply network, built from the knowledge graph (the store) as of a date.

Nothing here is typed in by hand: products, fabs, arcs and supply sources come from the
claims valid at the scenario's `as_of`, each keeping the ids of the claims it rests on.
The scenario file only says which claim items count as which material (`materials`),
which equipment items are fab tools (`tool_items`), what two market-share figures mean
(`claim_roles`), and gives the numbers the article does not (assumptions).

Rules (predicates → network):

- `fabricates` fab → product: a production arc (node from `node_nm`). The product's
  first fabricator in the whole dataset is its reference; later arcs are substitutions
  (efficiency from the node ratio and a relative yield, ramping up from their start).
- `capacity` of a fab: its capacity (converted to 200 mm wafers a month); a `status`
  claim `bankrupt` valid at the date sets it to zero.
- `designs` + the designer's `revenue_share` (with `sector`) + the product's `used_for`
  (with `sector`): the product's end uses.
- material sources: `produces`/`extracts` by a domestic entity, `supplies` to a domestic
  entity or the home country, `depends_on` by the home country on a foreign one, each
  with the material (or one of its `items`) as object or `item`.
- foreign partners of a domestic source: `supplies` to it, `founded_by` (facilities),
  `cooperates_with`/`agreement_with`/`depends_on` with a foreign entity.
- fab tools: `supplies` with a tool item to a domestic fab (fab-specific) or to the home
  country (a pool any domestic fab may draw on); `via` and `transits_via` give the
  channel a flow passes through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from chipwatch.i18n.message import Msg, Name
from chipwatch.model.dates import PartialDate
from chipwatch.model.quantity import parse_unit, ureg
from chipwatch.scenarios import words
from chipwatch.scenarios.model import Scenario

_STATUS_RANK = {s: i for i, s in enumerate(("fact", "reported", "disputed", "speculated", "planned"))}
PARTNER_PREDICATES = ("supplies", "founded_by", "cooperates_with", "agreement_with", "depends_on")


@dataclass
class ClaimRef:
    id: str
    subject: str
    predicate: str
    object: str | None
    value: object
    unit: str | None
    qualifiers: dict
    status: str
    valid_from: str | None
    valid_to: str | None
    from_date: date | None

    @property
    def item(self) -> str | None:
        return self.qualifiers.get("item")


@dataclass
class Partner:
    entity: str
    claims: list[str]
    path: list[str]

    @property
    def primary(self) -> str:
        return self.claims[0]


@dataclass
class Flow:
    """What arcs and sources share: claims, presence, channel path, start date."""

    id: str
    claims: list[str] = field(default_factory=list)
    status: str = "fact"
    assumed: bool = False
    probability: float | None = None  # assumed flows only
    supplier: str | None = None
    path: list[str] = field(default_factory=list)  # countries crossed (foreign origin, transit)
    start: date | None = None
    partners: list[Partner] = field(default_factory=list)
    context: list[str] = field(default_factory=list)

    @property
    def primary(self) -> str | None:
        return self.claims[0] if self.claims else None

    @property
    def presence_key(self) -> str:
        return f"assumed:{self.id}" if self.assumed else f"claim:{self.primary}"

    def add_claim(self, c: ClaimRef) -> None:
        if c.id in self.claims:
            return
        self.claims.append(c.id)
        # primary = the most certain claim (fact first), then the first id
        self.claims.sort(key=lambda cid: (_STATUS_RANK[self._status[cid]], cid))
        self.status = self._status[self.claims[0]]

    def __post_init__(self):
        self._status: dict[str, str] = {}

    def note_status(self, c: ClaimRef) -> None:
        self._status[c.id] = c.status
        self.add_claim(c)

    def entities(self) -> set[str]:
        return {e for e in (self.supplier, *self.path) if e}


@dataclass
class Arc(Flow):
    fab: str = ""
    product: str = ""
    node_nm: float | None = None
    ref_node: float | None = None
    substitution: bool = False
    efficiency: float | None = None  # assumed arcs may give one
    assumed_id: str | None = None

    def entities(self) -> set[str]:
        return {self.fab, self.product, *self.path}


@dataclass
class Source(Flow):
    resource: str = ""  # "material:<m>", "tools:<fab>" or "pool"
    material: str | None = None
    fab: str | None = None  # tools for one fab; None with resource "pool"
    item: str | None = None
    via: str | None = None
    domestic: bool = True
    facility: bool = False
    coverage: tuple[float, list[str], Msg] | None = None  # from claims: (share, claim ids, how)
    label: Name | None = None  # assumed sources: what the scenario file calls it

    def entities(self) -> set[str]:
        return {e for e in (self.supplier, self.fab, *self.path) if e}


@dataclass
class Fab:
    id: str
    domestic: bool
    path: list[str]
    capacity: float | None = None  # wafer_200mm/month, from a claim
    capacity_claim: str | None = None
    bankrupt_claim: str | None = None


@dataclass
class Product:
    id: str
    designers: list[str]
    ref_fab: str | None
    ref_node: float | None
    ref_claim: str | None
    end_use: dict[str, float] = field(default_factory=dict)
    end_use_basis: list[str] = field(default_factory=list)  # claim ids and assumption names
    end_use_note: str = ""


@dataclass
class Network:
    as_of: str
    as_of_end: date
    home: str
    products: dict[str, Product]
    fabs: dict[str, Fab]
    arcs: list[Arc]
    sources: list[Source]
    claims: dict[str, ClaimRef]
    labels: dict[str, str]
    labels_zh: dict[str, str]
    figures: list[dict]
    notes: list[str]
    unquantified: list[Source]
    note_msgs: list[Msg] = field(default_factory=list)  # the notes as sentences in either language

    def label(self, eid: str | None) -> str:
        return self.labels.get(eid, eid) if eid else ""

    def name(self, eid: str | None) -> Name:
        """An entity's name in both scripts (said in the reader's first)."""
        return Name(self.labels.get(eid, eid), self.labels_zh.get(eid)) if eid else Name("")

    @property
    def domestic_fabs(self) -> list[str]:
        return [f for f, fab in self.fabs.items() if fab.domestic]

    def to_dict(self) -> dict:
        """The network as JSON-able data: every arc and source with the claims behind it."""
        return {
            "as_of": self.as_of,
            "products": [{"id": p.id, "label": self.label(p.id), "designers": p.designers, "reference_fab": p.ref_fab,
                          "reference_node_nm": p.ref_node, "reference_claim": p.ref_claim, "end_use": p.end_use,
                          "end_use_basis": p.end_use_basis, "end_use_note": p.end_use_note}
                         for p in self.products.values()],
            "fabs": [{"id": f.id, "label": self.label(f.id), "domestic": f.domestic, "capacity_wafer_200mm_month": f.capacity,
                      "capacity_claim": f.capacity_claim, "bankrupt_claim": f.bankrupt_claim, "channel": f.path}
                     for f in self.fabs.values()],
            "arcs": [{"id": a.id, "fab": a.fab, "product": a.product, "node_nm": a.node_nm,
                      "reference_node_nm": a.ref_node, "substitution": a.substitution, "claims": a.claims,
                      "status": "assumed" if a.assumed else a.status, "channel": a.path,
                      "start": str(a.start) if a.start else None, "context": a.context} for a in self.arcs],
            "sources": [_source_dict(s) for s in self.sources],
            "unquantified_sources": [_source_dict(s) for s in self.unquantified],
            "notes": self.notes,
            "note_msgs": self.note_msgs,
            "names": {eid: self.name(eid) for eid in sorted(self.mentioned())},
        }

    def mentioned(self) -> set[str]:
        """Every entity the network names: products, fabs, suppliers, materials, items, channels, partners."""
        out = {self.home, *self.products, *self.fabs}
        for a in self.arcs:
            out |= a.entities()
        for s in self.sources + self.unquantified:
            out |= s.entities() | {e for e in (s.material, s.item, s.via) if e} | {p.entity for p in s.partners}
        return {e for e in out if e}


def _source_dict(s: Source) -> dict:
    return {"id": s.id, "resource": s.resource, "supplier": s.supplier, "item": s.item, "channel": s.path,
            "domestic": s.domestic, "claims": s.claims, "status": "assumed" if s.assumed else s.status,
            "start": str(s.start) if s.start else None,
            "partners": [{"entity": p.entity, "claims": p.claims} for p in s.partners],
            "coverage_from_claims": ({"share": round(s.coverage[0], 6), "claims": s.coverage[1], "how": str(s.coverage[2]), "how_msg": s.coverage[2]}
                                     if s.coverage else None),
            "context": s.context}


# -- reading claims ---------------------------------------------------------------------

def _claim_refs(claims: list[dict]) -> list[ClaimRef]:
    out = []
    for r in claims:
        value = json.loads(r["value_json"]) if r.get("value_json") else None
        quals = json.loads(r["qualifiers"]) if r.get("qualifiers") else {}
        vf = r.get("valid_from")
        out.append(ClaimRef(r["id"], r["subject"], r["predicate"], r.get("object"), value, r.get("unit"),
                            quals, r["status"], vf, r.get("valid_to"), PartialDate.parse(vf).start if vf else None))
    return out


def _wafers_per_month(c: ClaimRef) -> float | None:
    if not isinstance(c.value, (int, float)) or not c.unit:
        return None
    try:
        q = ureg.Quantity(float(c.value), parse_unit(c.unit))
        return float(q.to(parse_unit("wafer_200mm/month")).magnitude)
    except Exception:  # noqa: BLE001 - not a wafer rate
        return None


def _num(value) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dict) and "value" in value:
        return _num(value["value"])
    return None


# -- the builder --------------------------------------------------------------------------

def build_network(cw, sc: Scenario) -> Network:
    """The supply network at `sc.as_of`, from the claims in the store `cw` (a Chipwatch)."""
    store = cw.store
    period = PartialDate.parse(sc.as_of)
    ents = {r["id"]: r for r in store.dicts("SELECT id, type, country, label_en, label_zh FROM entities")}
    labels = {k: v["label_en"] or k for k, v in ents.items()}
    labels_zh = {k: v["label_zh"] or v["label_en"] or k for k, v in ents.items()}
    country_of_code = {v["country"]: k for k, v in ents.items() if v["type"] == "country" and v["country"]}
    notes: list[str] = []
    note_msgs: list[Msg] = []
    figures: list[dict] = []

    def note(msg: Msg) -> None:
        """A note in English (`notes`, as before) and as a sentence in either language (`note_msgs`)."""
        notes.append(str(msg))
        note_msgs.append(msg)

    def nm(eid: str | None) -> Name:
        return Name(labels.get(eid, eid), labels_zh.get(eid)) if eid else Name("")

    def require(name: str, loc: tuple, what: str = "entity") -> str:
        if name in ents:
            return name
        res = store.resolve(name)
        if res.entity_id:
            return res.entity_id
        cands = ", ".join(f"{r.entity_id}" for r in res.candidates.head(5).itertuples()) if not res.candidates.empty else ""
        hint = f"did you mean {cands}?" if cands else "use an entity id from `chipwatch search`"
        raise sc.error(loc, f"unknown {what} '{name}' — {hint}")

    home = require(sc.home_country, ("home_country",), "home country")
    home_cc = ents[home]["country"]

    def domestic(eid: str | None) -> bool:
        return bool(eid) and eid in ents and ents[eid]["country"] == home_cc

    def path_of(eid: str | None, via: str | None = None) -> list[str]:
        """Countries a flow from `eid` crosses to reach the home country."""
        out = []
        if eid and eid in ents and not domestic(eid):
            out.append(eid if ents[eid]["type"] == "country" else country_of_code.get(ents[eid]["country"], eid))
        if via and via not in out:
            out.append(via)
        return out

    claims = _claim_refs(store.claim_rows(as_of=period))
    by_id = {c.id: c for c in claims}
    all_fabricates = _claim_refs(store.claim_rows(predicate="fabricates"))
    all_founded = _claim_refs(store.claim_rows(predicate="founded_by"))
    for c in all_fabricates + all_founded:
        by_id.setdefault(c.id, c)

    def ref(cid: str) -> ClaimRef:
        return by_id[cid]

    # claims named by the scenario must exist
    known_claims = {r[0] for r in store.con.execute("SELECT id FROM claims").fetchall()}
    for i, cid in enumerate(sc.motivated_by):
        if cid not in known_claims:
            raise sc.error(("motivated_by", i), f"unknown claim '{cid}' — cite a claim id from `chipwatch claims`")
    for cid in sc.claim_roles:
        if cid not in known_claims:
            raise sc.error(("claim_roles", cid), f"unknown claim '{cid}' in claim_roles — use a claim id from `chipwatch claims`")
    for cid in sc.probabilities.claims:
        if cid not in known_claims:
            raise sc.error(("probabilities", "claims"), f"unknown claim '{cid}' in probabilities.claims — use a claim id from `chipwatch claims`")

    # -- products -----------------------------------------------------------------------
    demand_names = [a for a in sc.assumptions if a.name.startswith("demand.")]
    product_ids: list[str] = []
    for a in demand_names:
        pid = require(a.name.split(".", 1)[1], ("assumptions", sc.assumption_index(a.name), "name"), "product")
        if ents[pid]["type"] != "product":
            raise sc.error(("assumptions", sc.assumption_index(a.name), "name"),
                           f"'{pid}' in {a.name} is a {ents[pid]['type']}, not a product — demand is for products")
        product_ids.append(pid)
    products: dict[str, Product] = {}
    for pid in sorted(product_ids):
        made = [c for c in all_fabricates if c.object == pid]
        made.sort(key=lambda c: (c.from_date or date.min, _STATUS_RANK[c.status], c.id))
        first = made[0] if made else None
        products[pid] = Product(
            pid, designers=sorted({c.subject for c in claims if c.predicate == "designs" and c.object == pid}),
            ref_fab=first.subject if first else None,
            ref_node=_num(first.qualifiers.get("node_nm")) if first else None,
            ref_claim=first.id if first else None)

    # -- fab → product arcs -------------------------------------------------------------------
    arcs: dict[str, Arc] = {}
    for c in claims:
        if c.predicate != "fabricates" or c.object not in products:
            continue
        p = products[c.object]
        aid = f"{c.subject}>{c.object}"
        arc = arcs.get(aid)
        if arc is None:
            arc = arcs[aid] = Arc(aid, fab=c.subject, product=c.object, supplier=c.subject, path=path_of(c.subject),
                                  node_nm=_num(c.qualifiers.get("node_nm")), ref_node=p.ref_node,
                                  substitution=c.subject != p.ref_fab)
        arc.note_status(c)
    for i, a in enumerate(sc.assumed_arcs):
        fab = require(a.fab, ("assumed_arcs", i, "fab"), "fab")
        pid = require(a.product, ("assumed_arcs", i, "product"), "product")
        if pid not in products:
            raise sc.error(("assumed_arcs", i, "product"), f"assumed arc '{a.id}' makes '{pid}', which has no demand assumption — add demand.{pid}")
        for cid in a.context:
            if cid not in known_claims:
                raise sc.error(("assumed_arcs", i, "context"), f"unknown claim '{cid}' in the context of '{a.id}'")
        aid = f"{fab}>{pid}"
        if aid in arcs:
            note(Msg("scenario.note.arc_in_graph", id=a.id, fab=nm(fab), product=nm(pid), claims=words.claims(arcs[aid].claims)))
            continue
        ref_fab = products[pid].ref_fab
        arcs[aid] = Arc(aid, fab=fab, product=pid, supplier=fab, path=path_of(fab), assumed=True,
                        probability=a.probability, efficiency=a.efficiency, context=list(a.context),
                        ref_node=products[pid].ref_node, substitution=ref_fab is not None and fab != ref_fab,
                        assumed_id=a.id)

    for pid in products:
        if not any(a.product == pid for a in arcs.values()):
            note(Msg("scenario.note.no_fab", product=nm(pid), date=sc.as_of))

    # -- fabs -----------------------------------------------------------------------------------
    fabs: dict[str, Fab] = {}
    for fid in sorted({a.fab for a in arcs.values()}):
        fab = fabs[fid] = Fab(fid, domestic=domestic(fid), path=path_of(fid))
        caps = [c for c in claims if c.predicate == "capacity" and c.subject == fid]
        caps.sort(key=lambda c: (_STATUS_RANK[c.status], c.id))
        for c in caps:
            w = _wafers_per_month(c)
            if w is not None:
                fab.capacity, fab.capacity_claim = w, c.id
                figures.append(_figure(c, Msg("scenario.figure.capacity", fab=nm(fid), qty=words.quantity(w, "wafer_200mm/month"))))
                break
        for c in claims:
            if c.predicate == "status" and c.subject == fid and str(c.value).strip().lower() == "bankrupt":
                fab.bankrupt_claim = c.id
                note(Msg("scenario.note.bankrupt", fab=nm(fid), date=sc.as_of, claim=c.id))

    # -- end uses ----------------------------------------------------------------------------------
    for p in products.values():
        _end_use(sc, p, claims, labels, figures, nm)

    # -- material sources ----------------------------------------------------------------------------
    sources: dict[str, Source] = {}
    item_to_materials: dict[str, list[str]] = {}
    for m, items in sc.materials.items():
        require(m, ("materials", m), "material")
        for it in items:
            require(it, ("materials", m), "item")
            item_to_materials.setdefault(it, []).append(m)

    def material_source(m: str, supplier: str, c: ClaimRef, via: str | None = None) -> Source:
        sid = f"{m}/{supplier}" + (f"/{via}" if via else "")
        s = sources.get(sid)
        if s is None:
            s = sources[sid] = Source(sid, resource=f"material:{m}", material=m, supplier=supplier,
                                      domestic=domestic(supplier), path=path_of(supplier, via), via=via,
                                      facility=ents.get(supplier, {}).get("type") == "facility")
        s.note_status(c)
        return s

    def mats(eid: str | None) -> list[str]:
        return item_to_materials.get(eid, []) if eid else []

    for c in claims:
        if c.predicate in ("produces", "extracts") and domestic(c.subject):
            for m in mats(c.object):
                material_source(m, c.subject, c)
        elif c.predicate == "depends_on" and (c.subject == home) and c.object and not domestic(c.object):
            for m in mats(c.item):
                material_source(m, c.object, c)
    for c in claims:
        if c.predicate == "supplies" and c.item and (c.object == home or domestic(c.object)):
            for m in mats(c.item):
                if any(s.supplier == c.object and s.material == m for s in sources.values()):
                    continue  # a supply to a source of m: a partner, handled below
                material_source(m, c.subject, c, via=c.qualifiers.get("via"))
        elif c.predicate == "exports_to" and c.subject == home and c.object and not domestic(c.object):
            for m in mats(c.item):  # raw material sent abroad for refining: context of that source
                s = sources.get(f"{m}/{c.object}")
                if s is not None and c.id not in s.context:
                    s.context.append(c.id)

    # facilities start at their founding; one founded after the date is not there yet
    for sid in list(sources):
        s = sources[sid]
        if s.facility:
            founded = [c for c in all_founded if c.subject == s.supplier and c.from_date]
            if founded:
                s.start = min(c.from_date for c in founded)
                s.context.extend(c.id for c in founded if c.id not in s.context)
                if s.start > period.end:
                    when = min(founded, key=lambda c: c.from_date).valid_from
                    note(Msg("scenario.note.founded_later", who=nm(s.supplier), when=when,
                             claims=words.claims([c.id for c in founded]), date=sc.as_of))
                    del sources[sid]
        else:  # a flow starts when its most certain claim starts (a later plan does not restart it)
            s.start = ref(s.primary).from_date if s.primary else None

    # -- fab tools -------------------------------------------------------------------------------------
    tool_items = set(sc.tool_items)
    for it in sorted(tool_items):
        require(it, ("tool_items",), "tool item")
    for c in claims:
        if c.predicate != "supplies" or c.item not in tool_items:
            continue
        via = c.qualifiers.get("via")
        if c.object in fabs and fabs[c.object].domestic:
            sid, resource, fab_id = f"tools/{c.object}/{c.subject}/{c.item}", f"tools:{c.object}", c.object
        elif c.object == home:
            sid, resource, fab_id = f"tools/{home}/{c.subject}/{c.item}", "pool", None
        else:
            continue
        if via:
            sid += f"/{via}"
        s = sources.get(sid)
        if s is None:
            s = sources[sid] = Source(sid, resource=resource, fab=fab_id, supplier=c.subject, item=c.item, via=via,
                                      domestic=domestic(c.subject), path=path_of(c.subject, via))
        s.note_status(c)
    for c in claims:  # transit claims back the pooled flows through that country
        if c.predicate == "transits_via" and c.item in tool_items:
            to = c.qualifiers.get("to")
            if to in (None, home):
                s = sources.get(f"tools/{home}/{c.subject}/{c.item}/{c.object}")
                if s is not None:
                    s.note_status(c)
    for s in sources.values():
        if s.resource.startswith("tools:") or s.resource == "pool":
            s.start = ref(s.primary).from_date if s.primary else None
    for a in arcs.values():  # a substitution ramps up from its most certain claim's start
        if a.substitution and a.primary:
            a.start = ref(a.primary).from_date
    # fabs that lose access to equipment: context for their tool sources
    lost = [c for c in claims if c.predicate in ("lost_access_to", "lacks") and ents.get(c.object, {}).get("type") == "equipment"]

    # -- assumed sources ---------------------------------------------------------------------------------
    for i, a in enumerate(sc.assumed_sources):
        for cid in a.context:
            if cid not in known_claims:
                raise sc.error(("assumed_sources", i, "context"), f"unknown claim '{cid}' in the context of '{a.id}'")
        if a.material is not None:
            m = require(a.material, ("assumed_sources", i, "material"), "material")
            if m not in sc.materials:
                raise sc.error(("assumed_sources", i, "material"), f"assumed source '{a.id}' feeds '{m}', which is not in `materials` — add it there")
            sources[a.id] = Source(a.id, resource=f"material:{m}", material=m, assumed=True, probability=a.probability,
                                   label=_text_name(a.label),
                                   context=list(a.context))
        else:
            fab_id = require(a.tools_for, ("assumed_sources", i, "tools_for"), "fab")
            if fab_id not in fabs:
                note(Msg("scenario.note.source_unused", id=a.id, fab=nm(fab_id), date=sc.as_of))
                continue
            ctx = list(a.context) + [c.id for c in lost if c.subject in (fab_id, home) and c.id not in a.context]
            sources[a.id] = Source(a.id, resource=f"tools:{fab_id}", fab=fab_id, assumed=True, probability=a.probability,
                                   label=_text_name(a.label),
                                   context=ctx)

    # -- foreign partners of domestic sources ----------------------------------------------------------------
    by_supplier: dict[str, list[Source]] = {}
    for s in sources.values():
        if s.supplier and s.domestic:
            by_supplier.setdefault(s.supplier, []).append(s)
    partner_claims = [c for c in claims if c.predicate in PARTNER_PREDICATES] + \
                     [c for c in all_founded if c.id not in {x.id for x in claims}]
    for c in partner_claims:
        for inside, outside in ((c.subject, c.object), (c.object, c.subject)):
            if inside not in by_supplier or not outside or domestic(outside) or outside not in ents:
                continue
            if c.predicate == "supplies" and inside != c.object:
                continue  # a domestic source supplying abroad is not a partnership
            if c.predicate in ("founded_by", "depends_on") and inside != c.subject:
                continue
            for s in by_supplier[inside]:
                if c.item and c.item not in sc.materials.get(s.material or "", []) \
                        and ents.get(c.item, {}).get("type") != "technology" and s.material not in mats(c.item):
                    continue
                partner = next((p for p in s.partners if p.entity == outside), None)
                if partner is None:
                    partner = Partner(outside, [], path_of(outside))
                    s.partners.append(partner)
                if c.id not in partner.claims:
                    partner.claims.append(c.id)
                    partner.claims.sort(key=lambda cid: (_STATUS_RANK[ref(cid).status], cid))

    # -- coverage from claims (claim_roles) ---------------------------------------------------------------------
    roles = sorted(sc.claim_roles.items(), key=lambda kv: kv[1])  # coverage before domestic_supply_share
    for cid, role in roles:
        c = by_id.get(cid)
        if c is None:
            note(Msg("scenario.note.claim_not_valid", claim=cid, role=Msg(f"scenario.role.{role}"), date=sc.as_of))
            continue
        share = _num(c.value)
        ms = mats(c.object)
        if share is None or not ms:
            note(Msg("scenario.note.claim_no_share", claim=cid, role=Msg(f"scenario.role.{role}")))
            continue
        for m in ms:
            s = sources.get(f"{m}/{c.subject}")
            if s is None:
                note(Msg("scenario.note.not_a_source", claim=cid, who=nm(c.subject), material=nm(m), date=sc.as_of))
                continue
            if role == "coverage":
                s.coverage = (share / 100, [cid], Msg("scenario.how.coverage", share=words.pct(share / 100), claim=cid))
                figures.append(_figure(c, Msg("scenario.figure.covers", who=nm(c.subject), share=words.pct(share / 100), material=nm(m))))
            else:
                if s.coverage is None:
                    note(Msg("scenario.note.no_coverage", claim=cid, who=nm(c.subject)))
                    continue
                others = [o for o in sources.values() if o.material == m and o.domestic and not o.assumed
                          and o is not s and o.coverage is None]
                rest = s.coverage[0] * (100 - share) / share
                figures.append(_figure(c, Msg("scenario.figure.domestic_share", who=nm(c.subject), share=words.pct(share / 100),
                                              material=nm(m), rest=rest)))
                if not others:
                    note(Msg("scenario.note.rest_unassigned", share=words.pct((100 - share) / 100), material=nm(m), claim=cid))
                for o in others:
                    how = Msg("scenario.how.rest_split" if len(others) > 1 else "scenario.how.rest", share=words.pct((100 - share) / 100),
                              who=nm(c.subject), claims=words.claims([s.coverage[1][0], cid]), n=len(others))
                    o.coverage = (rest / len(others), [*s.coverage[1], cid], how)
    # the output figure of a source with a coverage figure gives the need in its own unit
    for s in sources.values():
        if s.coverage and s.supplier:
            for cid in s.claims:
                c = ref(cid)
                amount = _num(c.value)
                if c.predicate == "produces" and amount and c.unit:
                    figures.append(_figure(c, Msg("scenario.figure.need", who=nm(s.supplier),
                                                  output=words.quantity(amount, c.unit, "g"), share=s.coverage[0],
                                                  need=words.quantity(amount / s.coverage[0], c.unit))))

    # -- which sources have numbers -------------------------------------------------------------------------------
    quantified, unquantified = [], []
    names = {a.name for a in sc.assumptions}
    for sid in sorted(sources):
        s = sources[sid]
        if s.coverage is not None or f"coverage.{sid}" in names:
            quantified.append(s)
        else:
            unquantified.append(s)
    for s in unquantified:
        base = {"source": source_words(s, nm), "claims": words.claims(s.claims), "name": f"coverage.{s.id}"}
        if s.material:  # the source's name says the material already
            note(Msg("scenario.note.unquantified", **base))
        else:
            what = Msg("scenario.tools_for", fab=nm(s.fab)) if s.fab else Msg("scenario.tools_any")
            note(Msg("scenario.note.unquantified_tools", what=what, **base))

    figures.extend(_context_figures(claims, sc, nm))
    return Network(as_of=sc.as_of, as_of_end=period.end, home=home, products=products, fabs=fabs,
                   arcs=sorted(arcs.values(), key=lambda a: a.id), sources=quantified, claims=by_id,
                   labels=labels, labels_zh=labels_zh, figures=_dedupe(figures), notes=notes, unquantified=unquantified,
                   note_msgs=note_msgs)


def source_words(s: Source, nm) -> Msg | Name | str:
    """A source in words, names said by `nm` (entity id -> Name): 'neon from China (mainland)
    via Kazakhstan', '經哈薩克來自中國大陸的氖氣'; an assumed source by its label in the scenario
    file (its id's last part if it has none)."""
    if s.assumed:
        return s.label or s.id.rsplit("/", 1)[-1].replace("-", " ")
    material = s.resource.startswith("material:")
    key = "scenario.source.from" + ("_to" if s.fab and not material else "") + ("_via" if s.via else "")
    return Msg(key, what=nm(s.material if material else s.item), who=nm(s.supplier), fab=nm(s.fab), via=nm(s.via))


def sid_label(s: Source, labels: dict[str, str]) -> str:
    if s.assumed:
        return s.id
    who = labels.get(s.supplier, s.supplier)
    if s.resource.startswith("material:"):
        return f"{labels.get(s.material, s.material)} from {who}" + (f" via {labels.get(s.via, s.via)}" if s.via else "")
    item = labels.get(s.item, s.item)
    to = f" to {labels.get(s.fab, s.fab)}" if s.fab else ""
    return f"{item} from {who}{to}" + (f" via {labels.get(s.via, s.via)}" if s.via else "")


def _end_use(sc: Scenario, p: Product, claims: list[ClaimRef], labels: dict, figures: list, nm) -> None:
    override = sc.assumption(f"end_use.{p.id}")
    if override is not None:
        p.end_use = dict(override.shares or {})
        p.end_use_basis = [override.name]
        p.end_use_note = f"assumption {override.name}"
        return
    shares: dict[str, float] = {}
    basis: list[str] = []
    for d in p.designers:
        for c in claims:
            if c.predicate == "revenue_share" and c.subject == d and c.qualifiers.get("sector") and _num(c.value) is not None:
                sector = c.qualifiers["sector"]
                shares[sector] = shares.get(sector, 0) + _num(c.value) / 100 / len(p.designers)
                basis.append(c.id)
                figures.append(_figure(c, Msg("scenario.figure.revenue", who=nm(d), share=words.pct(_num(c.value) / 100),
                                              sector=words.sector(sector), product=nm(p.id))))
    used = [c for c in claims if c.predicate == "used_for" and c.subject == p.id and c.qualifiers.get("sector")]
    rest = 1 - sum(shares.values())
    if rest > 1e-9:
        remainder = None
        for d in p.designers:
            remainder = remainder or sc.assumption(f"end_use_remainder.{d}")
        other_uses = sorted({c.qualifiers["sector"] for c in used} - set(shares))
        if remainder is not None and remainder.shares:
            total = sum(remainder.shares.values()) or 1
            for sector, w in remainder.shares.items():
                shares[sector] = shares.get(sector, 0) + rest * w / total
            basis.append(remainder.name)
        elif other_uses:
            for sector in other_uses:
                shares[sector] = shares.get(sector, 0) + rest / len(other_uses)
            basis.extend(c.id for c in used if c.qualifiers["sector"] in other_uses)
        elif not shares and used:
            for sector in sorted({c.qualifiers["sector"] for c in used}):
                shares[sector] = 1 / len({c.qualifiers["sector"] for c in used})
            basis.extend(c.id for c in used)
        else:
            default = sc.assumption("end_use_remainder.default")
            if default is None or not default.shares:
                raise sc.error(("assumptions",), f"{labels.get(p.id, p.id)}: {rest:.0%} of its output has no end use in the graph — "
                                                 f"add assumption end_use.{p.id} or end_use_remainder.default")
            total = sum(default.shares.values()) or 1
            for sector, w in default.shares.items():
                shares[sector] = shares.get(sector, 0) + rest * w / total
            basis.append(default.name)
    p.end_use = {k: round(v, 12) for k, v in sorted(shares.items())}
    p.end_use_basis = basis
    p.end_use_note = ", ".join(basis)


def _text_name(text) -> Name | None:
    """A scenario file's {en, zh-Hant} label as a Name (None when the file gives none)."""
    return Name(text.en, text.zh_Hant) if text is not None else None


def _figure(c: ClaimRef, msg: Msg) -> dict:
    """A figure from a claim and what the model makes of it (`used_as` in English, `msg` in either language)."""
    return {"claim": c.id, "subject": c.subject, "predicate": c.predicate, "object": c.object,
            "value": c.value, "unit": c.unit, "status": c.status, "used_as": str(msg), "msg": msg}


def _context_figures(claims: list[ClaimRef], sc: Scenario, nm) -> list[dict]:
    """Market-share figures about modelled materials that the model does not constrain on
    (e.g. Russia's share of world neon output): shown, with what they tell."""
    out = []
    modelled = set(sc.materials)
    used = set(sc.claim_roles)
    for c in claims:
        if c.predicate == "market_share" and c.object in modelled and c.id not in used and _num(c.value) is not None:
            scope = c.qualifiers.get("scope")
            out.append(_figure(c, Msg("scenario.figure.context_scope" if scope else "scenario.figure.context",
                                      who=nm(c.subject), share=words.pct(_num(c.value) / 100), scope=scope,
                                      material=nm(c.object))))
    return out


def _dedupe(figures: list[dict]) -> list[dict]:
    seen, out = set(), []
    for f in figures:
        key = (f["claim"], f["used_as"])
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def status_probability(sc: Scenario, claim_id: str | None, status: str) -> float:
    """The probability that a claim's arc is present: a per-claim override, else by status."""
    if claim_id and claim_id in sc.probabilities.claims:
        return sc.probabilities.claims[claim_id]
    p = getattr(sc.probabilities, status, None)
    if p is None:
        raise sc.error(("probabilities",), f"no probability for '{status}' claims — add probabilities.{status} (0 to 1)")
    return p


def months_between(start: date, end: date) -> float:
    return max(0.0, (end - start).days / (365.25 / 12))


__all__ = ["Network", "Arc", "Source", "Fab", "Product", "build_network", "status_probability"]
