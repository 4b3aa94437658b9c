"""Generate a synthetic dataset in chipwatch's JSON-lines form, for benchmarks.

    python bench/generate.py OUT_DIR --entities 100000 --claims 1000000

Entities get names in English, Traditional Chinese and Russian; claims mix relations
(fabricates, supplies, owned_by, part_of, designs) and values (capacity, process_range,
market_share), with partial dates, statuses, qualifiers and one evidence item each.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

ZH = "貝加爾電子米克朗安斯特雷姆尼托爾摩諾克里斯諾里爾斯克鎳業中芯國際台積電北方華創上海微電子協鑫集團"
RU = "абвгдежзиклмнопрстуфхцчшэюя"
TYPES = [("company", 0.55), ("product", 0.15), ("material", 0.1), ("equipment", 0.1), ("facility", 0.05),
         ("state_body", 0.05)]
STATUSES = ["fact"] * 6 + ["reported", "speculated", "planned", "disputed"]


def _pick_type(rng: random.Random) -> str:
    x, acc = rng.random(), 0.0
    for t, p in TYPES:
        acc += p
        if x < acc:
            return t
    return "company"


def _date(rng: random.Random) -> str:
    y = rng.randint(1990, 2030)
    k = rng.random()
    return str(y) if k < 0.5 else f"{y}-{rng.randint(1, 12):02d}" if k < 0.8 else f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def generate(out: Path, n_entities: int, n_claims: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    (out / "claims").mkdir(parents=True, exist_ok=True)
    (out / "dataset.yaml").write_text("id: synthetic\ntitle: Synthetic benchmark dataset\n", encoding="utf-8")
    with open(out / "sources.jsonl", "w", encoding="utf-8") as fh:
        for i in range(100):
            fh.write(json.dumps({"id": f"src-{i}", "title": f"Synthetic source {i}", "language": "en", "kind": "report",
                                 "date": str(2000 + i % 25)}) + "\n")
    by_type: dict[str, list[str]] = {}
    with open(out / "entities.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n_entities):
            t = _pick_type(rng)
            eid = f"e{i}"
            by_type.setdefault(t, []).append(eid)
            zh = "".join(rng.choice(ZH) for _ in range(rng.randint(3, 6))) + str(i)
            ru = "".join(rng.choice(RU) for _ in range(rng.randint(5, 10))).capitalize() + f" {i}"
            rec = {"id": eid, "type": t, "names": {"en": f"Entity {i} {rng.choice(['Group', 'Electronics', 'Systems', 'Works'])}",
                                                   "zh-Hant": zh, "ru": ru}}
            if t == "company":
                rec["country"] = rng.choice(["RU", "CN", "TW", "US", "KZ", "TR", "BY"])
                rec["aliases"] = [f"E{i}"]
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    companies, products = by_type["company"], by_type["product"]
    goods = by_type["material"] + by_type["equipment"] + products
    owners = companies + by_type["state_body"]
    per_file = n_claims // 4
    kinds = ["fabricates", "supplies", "owned_by", "designs", "capacity", "process_range", "market_share", "part_of"]
    for f in range(4):
        with open(out / "claims" / f"chapter{f}.jsonl", "w", encoding="utf-8") as fh:
            for j in range(per_file):
                i = f * per_file + j
                k = kinds[i % len(kinds)]
                c: dict = {"id": f"c{i}", "subject": rng.choice(companies), "predicate": k,
                           "status": rng.choice(STATUSES),
                           "evidence": [{"source": f"src-{i % 100}", "locator": f"p. {i % 300}",
                                         "quote": f"Synthetic statement number {i}."}]}
                if k == "fabricates":
                    c.update(object=rng.choice(products), qualifiers={"node_nm": rng.choice([350, 180, 90, 65, 40, 28])})
                elif k == "supplies":
                    c.update(object=rng.choice(companies), qualifiers={"item": rng.choice(goods)})
                elif k == "owned_by":
                    c.update(object=rng.choice(owners), qualifiers={"share_pct": rng.choice([10, 25, 50, 51, 75, 100])})
                elif k == "designs":
                    c.update(object=rng.choice(products))
                elif k == "part_of":
                    c.update(object=rng.choice(owners))
                elif k == "capacity":
                    c.update(value=rng.randint(1, 50) * 1000, unit="wafer_200mm/month")
                elif k == "process_range":
                    c.update(value={"min": 65, "max": 250}, unit="nm")
                elif k == "market_share":
                    c.update(value=rng.randint(1, 90), qualifiers={"item": rng.choice(goods), "scope": "world"})
                if rng.random() < 0.7:
                    a, b = sorted([_date(rng), _date(rng)])
                    c["valid_from"] = a
                    if rng.random() < 0.4:
                        c["valid_to"] = b
                fh.write(json.dumps(c, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--entities", type=int, default=100_000)
    ap.add_argument("--claims", type=int, default=1_000_000)
    args = ap.parse_args()
    generate(args.out, args.entities, args.claims)
