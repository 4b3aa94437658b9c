"""Findings into the graph: each roundabout destination of a spikes analysis becomes a
derived `transits_via` claim — the product (subject) goes via the third country (object)
to the target (qualifier `to`) — with the computed figures, cited to the trade data set it
was computed from and to the method. The claims are `speculated`: a statistical pattern
suggests the route, it does not prove it.

They are written as the import dataset `trade` through the store's import mechanism
(validated, atomic, kept by rebuilds), so `show`, the explorer and reports see them.
Deriving again for the same product, origin and target replaces those claims and keeps
the others. Countries are the store's country entities (kazakhstan, russia, …) matched
by ISO code; a country the store lacks becomes `country-<iso>` (as the ETO import does).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from chipwatch.errors import ChipwatchError
from chipwatch.i18n.message import Money, Msg, Name
from chipwatch.model.records import Claim, Entity, Evidence, Source
from chipwatch.store.imports import import_dataset, known_entities
from chipwatch.store.read import Store
from chipwatch.trade import normalise, sql
from chipwatch.trade.breaks import Break
from chipwatch.trade.engine import FlowEngine
from chipwatch.trade.spikes import Spikes

DATASET = "trade"
METHOD = Source(
    id="chipwatch-trade-method", title="chipwatch trade analytics: growth against a baseline (log growth, seasonal "
    "z-score), the roundabout pattern, Chow test for a structural break", publisher="chipwatch", language="en",
    kind="note", note="Computed by `chipwatch trade derive` from imported trade statistics; see chipwatch/trade/spikes.py")

# HS headings the Russia dataset has entities for, and names for others (HS 2022 headings).
PRODUCTS = {
    "8542": ("integrated-circuits", "product", "electronic integrated circuits (HS 8542)", "積體電路（HS 8542）"),
    "8541": (None, "product", "semiconductor devices, LEDs, photovoltaic cells (HS 8541)", "半導體裝置（HS 8541）"),
    "8486": (None, "equipment", "machines for making semiconductors and integrated circuits (HS 8486)",
             "半導體及積體電路製造設備（HS 8486）"),
    "8471": (None, "product", "computers and data-processing machines (HS 8471)", "電腦及資料處理機（HS 8471）"),
    "8517": (None, "product", "telephone and network equipment (HS 8517)", "電話及網路設備（HS 8517）"),
    "chpl": (None, "product", "Common High Priority List items (all tiers)", "共同高優先清單品項"),
}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")


def _money(v: float, cur: str) -> str:
    return f"{v:,.0f} {cur}"


def _pct(lg: float | None) -> str:
    return "n/a" if lg is None else f"{(pow(2.718281828459045, lg) - 1) * 100:+.0f} %"


def _existing(db: Path) -> tuple[list[Source], list[Entity], list[Claim]]:
    with Store(db) as store:
        def recs(table: str) -> list[str]:
            return [r for (r,) in store.con.execute(f"SELECT record FROM {table} WHERE dataset = ? ORDER BY id",  # noqa: S608
                                                    [DATASET]).fetchall()]
        return ([Source.model_validate_json(r) for r in recs("sources")],
                [Entity.model_validate_json(r) for r in recs("entities")],
                [Claim.model_validate_json(r) for r in recs("claims")])


def _product_entity(product: str, known: dict[str, Entity]) -> Entity:
    """The store's entity for the product (integrated-circuits for HS 8542), else hs-<code>."""
    etype = "product"
    if product.startswith("chpl:"):
        en, zh = f"Common High Priority List, tier {product[5:]}", f"共同高優先清單第 {product[5:]} 級"
    elif product in PRODUCTS:
        kb, etype, en, zh = PRODUCTS[product]
        if kb and kb in known:
            return known[kb]
    else:
        en = zh = f"HS/CN {product}"
    eid = f"hs-{_slug(product)}"
    return known.get(eid) or Entity(id=eid, type=etype, names={"en": en, "zh-Hant": zh},
                                     note="product group of trade statistics (chipwatch trade)")


def _country_entity(code: str, by_iso: dict[str, str], known: dict[str, Entity], new: dict[str, Entity]) -> str:
    if code in by_iso:
        return by_iso[code]
    eid = f"country-{code.lower()}"
    if eid not in known:
        label = normalise.country_label(code)
        names = {"en": label.en, **({"zh-Hant": label.zh} if label.zh else {})}
        new.setdefault(eid, Entity(id=eid, type="country", country=code, names=names))
    return eid


def data_sources(engine: FlowEngine, result: Spikes, sources: list[str] | None = None) -> list[str]:
    sel = sql.selection("x", flow=result.flow, reporter=result.origin if result.flow == "export" else None,
                        partner=None if result.flow == "export" else result.origin, product=result.product,
                        first_year=result.baseline[0], last_year=result.period[1], sources=sources)
    return [r[0] for r in engine.query(f"WITH {sel} SELECT DISTINCT source FROM x ORDER BY source")]


def derive(db: str | Path, result: Spikes, used: list[str], found_breaks: list[Break] | None = None) -> dict:
    """Write the roundabout findings of `result` as derived claims into the store at `db`."""
    db = Path(db)
    if not result.roundabout:
        t = result.target_growth
        raise ChipwatchError(f"no roundabout pattern for {result.product} to {result.target}: "
                             + ("its flows did not fall" if t and t.trend not in ("falling", "stopped")
                                else "no third country's flows rose") + "; nothing to write")
    with Store(db) as store:
        imports = {r[0]: r for r in store.con.execute(
            "SELECT id, kind, path, title, publisher, licence, url FROM trade_imports").fetchall()}
    others = known_entities(db, DATASET)
    known = {e.id: e for e in others}
    by_iso = {e.country: e.id for e in others if e.type == "country" and e.country}
    old_sources, old_entities, old_claims = _existing(db)
    prefix = f"trade-{_slug(result.product)}-{_slug(result.origin or 'all')}-{result.flow}-{_slug(result.target)}-"
    claims = [c for c in old_claims if not c.id.startswith(prefix)]
    entities = {e.id: e for e in old_entities}
    sources = {s.id: s for s in old_sources}
    sources[METHOD.id] = METHOD
    for sid in used:
        row = imports.get(sid)
        if row is None:
            continue
        _, kind, path, title, publisher, licence, url = row
        source = Source(id=f"trade-{_slug(sid)}", title=title or sid, publisher=publisher, language="en",
                        kind="dataset", url=url, licence=licence, note=f"{kind} import of {path}")
        sources[source.id] = source
    data_ids = [f"trade-{_slug(s)}" for s in used if s in imports]
    if not data_ids:
        raise ChipwatchError("the flows analysed come from no import recorded in the store; re-import them")
    product = _product_entity(result.product, {**known, **entities})
    if product.id not in known:
        entities[product.id] = product
    new: dict[str, Entity] = {}
    merged = {**known, **entities}
    target = _country_entity(result.target, by_iso, merged, new)
    t = result.target_growth
    cur = result.currency
    period = f"{result.period[0]}" if result.period[0] == result.period[1] else f"{result.period[0]}-{result.period[1]}"
    base = f"{result.baseline[0]}-{result.baseline[1]}"
    origin = normalise.country_name(result.origin) if result.origin else "all reporters"
    chow = {b.dest: b for b in found_breaks or []}
    files = ", ".join(Path(imports[s][2]).name for s in used if s in imports)
    said = []
    for g in result.roundabout:
        via = _country_entity(g.dest, by_iso, merged, new)
        years = "; ".join(f"{y} {_money(v, cur)}" for y, v in sorted(g.yearly.items()))
        z = f"seasonal z-score mean {g.z_mean:+.2f}, max {g.z_max:+.2f}, {g.z_months} month(s) at z >= 2" \
            if g.z_mean is not None else "no monthly z-score (yearly data)"
        lg = f"{g.log_growth:+.2f}" if g.log_growth is not None else g.trend
        tl = f"{t.log_growth:+.2f}" if t.log_growth is not None else t.trend
        b = chow.get(g.dest)
        chow_text = (f"; Chow test at {b.months_before} months before / {b.months_after} after the break: "
                     f"F = {b.f:.2f}, p = {b.p:.3g}" if b and b.f is not None else "")
        figures = (f"{g.name}: {_money(g.current_year, cur)} a year in {period} against {_money(g.base_year, cur)} in {base} "
                   f"(log growth {lg}, {_pct(g.log_growth)}); {z}; while {t.name}: {_money(t.current_year, cur)} against "
                   f"{_money(t.base_year, cur)} (log growth {tl}, {_pct(t.log_growth)}){chow_text}")
        quote_data = f"{origin} {result.flow}s of {result.product} to {g.name}, summed: {years}."
        claims.append(Claim(
            id=f"{prefix}via-{_slug(g.dest)}-{_slug(period)}", subject=product.id, predicate="transits_via", object=via,
            value=round(g.current_year, 2), unit=cur,
            qualifiers={"to": target, "scope": f"{origin} {result.flow}s of {result.product} ({files})",
                        "role": "roundabout: third-country flows rise while direct flows to the target fall",
                        "condition": f"log growth >= {result.threshold:.3f} against {base}",
                        **({"year": str(result.period[0])} if result.period[0] == result.period[1] else {})},
            valid_from=str(result.period[0]), valid_to=str(result.period[1]), status="speculated",
            tags=["mode:sanctions-evasion"], note=figures,
            evidence=[Evidence(source=data_ids[0], locator=f"{files}: {result.flow} flows of {result.product}*, "
                               f"destination {g.name}, {result.baseline[0]}-{result.period[1]}", quote=quote_data),
                      Evidence(source=METHOD.id, locator=f"chipwatch trade spikes --product {result.product} --target "
                               f"{result.target} --baseline {base} --period {period} ({result.engine})", quote=figures)]))
        said.append(Msg("trade.finding.via", product=Name(product.names.get("en"), product.names.get("zh-Hant")),
                        via=g.label, target=t.label, current=Money(g.current_year, cur), base=Money(g.base_year, cur),
                        tcurrent=Money(t.current_year, cur), tbase=Money(t.base_year, cur), period=period, baseline=base))
    entities.update(new)
    used_ids = {i for c in claims for i in (c.subject, c.object, c.qualifiers.get("to")) if i}
    entities = {k: e for k, e in entities.items() if k in used_ids}  # none left over from replaced claims
    from chipwatch.dataset.load import Dataset

    root = db.parent / "trade"
    ds = Dataset(root=root, meta={"id": DATASET, "title": "Findings derived from trade statistics", "imported": True},
                 sources=list(sources.values()), entities=list(entities.values()), claim_files=[root / "trade.jsonl"])
    ds.loaded = [(root / "trade.jsonl", claims)]
    for kind, records in (("source", ds.sources), ("entity", ds.entities), ("claim", claims)):
        for r in records:
            ds.where[(kind, r.id)] = (root, 0)
    counts = import_dataset(db, ds)
    written = [c for c in claims if c.id.startswith(prefix)]
    return {"dataset": DATASET, "claims": [json.loads(c.model_dump_json(exclude_none=True)) for c in written],
            "counts": counts, "entities_created": sorted(new), "msgs": said}
