"""Supply relations read off the claims: who provides what to whom, with the claim behind it.

One row per (consumer, item, provider) relation, from `fabricates` (a fab makes a product),
`supplies` (provider -> consumer, item), `depends_on` (consumer -> provider, item),
and `produces` (provider makes an item; the consumer is the provider's country). A
`depends_on` without an item has the provider as its item. Providers are actors
(companies, countries, state bodies, facilities, institutes, funds), not materials.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from chipwatch.frames import text
from chipwatch.store.read import Store

RELATIONS = ("fabricates", "supplies", "depends_on", "produces")
ACTORS = ("company", "country", "country_group", "state_body", "facility", "research_institute", "fund")


@dataclass(frozen=True)
class Supply:
    consumer: str
    item: str
    provider: str
    claim: str
    predicate: str
    status: str


def supplies(store: Store, as_of: str | None = None, statuses: list[str] | None = None) -> list[Supply]:
    """Every supply relation valid at `as_of` among claims of `statuses`."""
    claims = store.claims(as_of=as_of, status=statuses)
    claims = claims[claims.predicate.isin(RELATIONS)]
    countries = dict(store.con.execute("SELECT e.id, coalesce(c.id, e.id) FROM entities e "
                                       "LEFT JOIN entities c ON c.type = 'country' AND c.country = e.country").fetchall())
    types = dict(store.con.execute("SELECT id, type FROM entities").fetchall())
    out = []
    for c in claims.itertuples():
        q = json.loads(c.qualifiers) if text(c.qualifiers) else {}
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
        if all(row) and types.get(row[2]) in ACTORS:
            out.append(Supply(*row, claim=c.id, predicate=c.predicate, status=c.status))
    return out


def as_frame(rows: list[Supply]) -> pd.DataFrame:
    return pd.DataFrame([r.__dict__ for r in rows], columns=["consumer", "item", "provider", "claim", "predicate", "status"])
