"""Supply relations read off the claims: who provides what to whom, with the claim behind it.

One row per (consumer, item, provider) relation, from `fabricates` (a fab makes a product),
`supplies` (provider -> consumer, item), `depends_on` (consumer -> provider, item),
and `produces` (provider makes an item; the consumer is the provider's country). A
`depends_on` without an item has the provider as its item. Providers are actors
(companies, countries, state bodies, facilities, institutes, funds), not materials.

Not supply: a `depends_on` whose role is `customer` (reliance on a buyer's orders is
demand); a provider that has been dissolved by then (a `status: dissolved` claim); and a
placeholder provider ("Various companies" in the ETO data: unnamed many, not one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd

from chipwatch.frames import text
from chipwatch.store.read import Store, parse_as_of

RELATIONS = ("fabricates", "supplies", "depends_on", "produces")
DEMAND_ROLES = ("customer",)  # depends_on with this role: the subject relies on a buyer
PLACEHOLDER = re.compile(r"^various\b", re.I)  # "Various companies", "Various countries"
ACTORS = ("company", "country", "country_group", "state_body", "facility", "research_institute", "fund")


@dataclass(frozen=True)
class Supply:
    consumer: str
    item: str
    provider: str
    claim: str
    predicate: str
    status: str


def placeholders(store: Store) -> set[str]:
    """Entities that stand for unnamed many providers ("Various companies")."""
    return {i for i, label in store.con.execute("SELECT id, label_en FROM entities").fetchall()
            if label and PLACEHOLDER.match(label)}


def demand_claims(store: Store) -> set[str]:
    """Ids of `depends_on` claims that are reliance on a customer (demand, not supply)."""
    claims = store.claims(predicate="depends_on")
    return {c.id for c in claims.itertuples()
            if text(c.qualifiers) and json.loads(c.qualifiers).get("role") in DEMAND_ROLES}


def dissolved(store: Store, as_of: str | None = None) -> set[str]:
    """Entities dissolved by the end of `as_of` (any time, without one)."""
    claims = store.claims(predicate="status")
    end = str(parse_as_of(as_of).end) if as_of else None
    out = set()
    for c in claims.itertuples():
        if text(c.value_json) and json.loads(c.value_json) == "dissolved":
            start = text(c.valid_from)
            if end is None or not start or start[:4] <= end[:4]:
                out.add(c.subject)
    return out


def supplies(store: Store, as_of: str | None = None, statuses: list[str] | None = None) -> list[Supply]:
    """Every supply relation valid at `as_of` among claims of `statuses`."""
    claims = store.claims(as_of=as_of, status=statuses)
    claims = claims[claims.predicate.isin(RELATIONS)]
    gone = dissolved(store, as_of) | placeholders(store)
    countries = dict(store.con.execute("SELECT e.id, coalesce(c.id, e.id) FROM entities e "
                                       "LEFT JOIN entities c ON c.type = 'country' AND c.country = e.country").fetchall())
    types = dict(store.con.execute("SELECT id, type FROM entities").fetchall())
    out = []
    for c in claims.itertuples():
        q = json.loads(c.qualifiers) if text(c.qualifiers) else {}
        if c.predicate == "depends_on" and q.get("role") in DEMAND_ROLES:
            continue  # demand, not supply
        obj, item = text(c.object), q.get("item")
        item = item if isinstance(item, str) else None
        if c.predicate == "fabricates":
            row = (obj, obj, c.subject)  # the product is made by the fab
        elif c.predicate == "supplies":
            row = (obj, item or c.subject, c.subject)
        elif c.predicate == "depends_on":
            row = (c.subject, item or obj, obj)
        else:  # produces: for the producer's own country
            row = (countries.get(c.subject, c.subject), obj, c.subject)
        if all(row) and types.get(row[2]) in ACTORS and row[2] not in gone:
            out.append(Supply(*row, claim=c.id, predicate=c.predicate, status=c.status))
    return out


def as_frame(rows: list[Supply]) -> pd.DataFrame:
    return pd.DataFrame([r.__dict__ for r in rows], columns=["consumer", "item", "provider", "claim", "predicate", "status"])
