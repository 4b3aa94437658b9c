"""Queries for the name benchmarks: variants of real list names (typos, legal forms added,
dropped or swapped, Cyrillic spellings of Russian names, Traditional/Simplified Chinese,
word order, case) and made-up names that are on no list."""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from chipwatch.names.normalize import to_simplified, to_traditional
from chipwatch.screening.lists.model import ListEntry, ListName
from chipwatch.screening.matcher import Query

ROOT = Path(__file__).resolve().parents[1]



_CYR = [("shch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"), ("ya", "я"), ("yu", "ю"),
        ("ye", "е"), ("yo", "ё"), ("iy", "ий"), ("yy", "ый"), ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"),
        ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
        ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("c", "к"),
        ("j", "дж"), ("q", "к"), ("w", "в"), ("x", "кс")]
_LEGAL = {"LLC": "ООО", "JSC": "АО", "OJSC": "ОАО", "CJSC": "ЗАО", "PJSC": "ПАО", "OOO": "ООО", "AO": "АО",
          "OAO": "ОАО", "ZAO": "ЗАО", "PAO": "ПАО"}
_LEGAL_LONG = [("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "ООО"), ("LIMITED LIABILITY COMPANY", "ООО"),
               ("OPEN JOINT STOCK COMPANY", "ОАО"), ("CLOSED JOINT STOCK COMPANY", "ЗАО"),
               ("PUBLIC JOINT STOCK COMPANY", "ПАО"), ("JOINT STOCK COMPANY", "АО"), ("JOINT-STOCK COMPANY", "АО"),
               ("AKTSIONERNOE OBSHCHESTVO", "АО")]
_SWAP = {"LLC": "OOO", "OOO": "LLC", "JSC": "AO", "AO": "JSC", "LIMITED": "LTD", "LTD": "LIMITED",
         "COMPANY": "CO", "CORPORATION": "CORP", "INC": "INCORPORATED", "OJSC": "JSC", "CJSC": "JSC"}
_SYL = ["ka", "lo", "mi", "ra", "ven", "tor", "zu", "bel", "dar", "nix", "qua", "sor", "lum", "pex", "tav", "rin",
        "dol", "mar", "kes", "fyn", "gro", "hal", "jor", "wex", "yan", "zel", "brim", "cort", "dex", "olv"]
_GENERIC = ["Trading", "Logistics", "Foods", "Consulting", "Dental", "Bakery", "Gardens", "Textiles", "Media",
            "Software", "Furniture", "Pharmacy", "Travel", "Studio", "Farms", "Apparel", "Optics", "Boutique"]
_GIVEN = ["Anna", "Peter", "Maria", "Jonas", "Lucia", "Tomasz", "Ingrid", "Rahul", "Chloe", "Mateo", "Aiko",
          "Emeka", "Sofia", "Lars", "Nadia", "Oscar", "Priya", "Hugo", "Elena", "Kwame"]


def to_cyrillic(text: str) -> str:
    out, s, i = [], text.lower(), 0
    while i < len(s):
        for lat, cyr in _CYR:
            if s.startswith(lat, i):
                out.append(cyr)
                i += len(lat)
                break
        else:
            out.append(s[i])
            i += 1
    return "".join(out)


def typo(name: str, rng: random.Random) -> str:
    words = name.split()
    idx = [i for i, w in enumerate(words) if len(w) >= 5]
    if not idx:
        return name
    i = rng.choice(idx)
    w = words[i]
    p = rng.randrange(1, len(w) - 1)
    op = rng.randrange(4)
    letter = rng.choice("aeioulnrst")
    w = [w[:p] + w[p + 1:], w[:p] + letter + w[p:], w[:p] + letter + w[p + 1:], w[:p - 1] + w[p] + w[p - 1] + w[p + 1:]][op]
    words[i] = w
    return " ".join(words)


_LONG_SWAP = {"LIMITED LIABILITY COMPANY": ["LLC", "OOO", "L.L.C."], "OPEN JOINT STOCK COMPANY": ["OJSC", "OAO"],
              "CLOSED JOINT STOCK COMPANY": ["CJSC", "ZAO"], "PUBLIC JOINT STOCK COMPANY": ["PJSC", "PAO"],
              "JOINT STOCK COMPANY": ["JSC", "AO", "JOINT-STOCK COMPANY"], "COMPANY LIMITED": ["CO., LTD.", "LTD"]}


def legal_variant(name: str, rng: random.Random) -> str:
    """The legal form dropped, written another way, or added."""
    upper = " ".join(name.upper().replace(",", " ").split())
    for long, short in _LONG_SWAP.items():
        if long in upper:
            return " ".join(upper.replace(long, "" if rng.random() < 0.4 else rng.choice(short)).split()) or name
    words = upper.split()
    for i, w in enumerate(words):
        if w in _SWAP:
            if rng.random() < 0.5:
                return " ".join(words[:i] + words[i + 1:]) or name
            return " ".join(words[:i] + [_SWAP[w]] + words[i + 1:])
    return name + " " + rng.choice(["LLC", "JSC", "Ltd", "OOO", "Co., Ltd."])


def cyrillic_variant(name: str, schema: str) -> str:
    """How a Russian writer might spell a name the list romanised: legal forms as Russian
    abbreviations, the rest letter by letter."""
    if schema == "Person":
        return " ".join(to_cyrillic(w).capitalize() for w in name.replace(",", " ").split())
    text = name.upper().replace(",", " ")
    legal = []
    for long, short in _LEGAL_LONG:
        if long in text:
            text = text.replace(long, " ")
            legal.append(short)
    words = [_LEGAL.get(w, to_cyrillic(w).upper()) for w in text.split()]
    return " ".join(legal + [f"«{' '.join(words)}»" if legal else " ".join(words)])


def made_up(rng: random.Random) -> tuple[str, str]:
    word = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()
    if rng.random() < 0.6:
        return f"{word} {rng.choice(_GENERIC)} {rng.choice(['LLC', 'Ltd', 'GmbH', 'S.A.', 'Inc.', 'OOO', ''])}".strip(), "Organization"
    word2 = "".join(rng.choice(_SYL) for _ in range(rng.randint(2, 3))).capitalize()
    return f"{rng.choice(_GIVEN)} {word}{word2[:3].lower()}", "Person"


def kb_entries() -> list[ListEntry]:
    """The bundled dataset's companies and bodies as a small list: names in en, zh-Hant, ru."""
    data = yaml.safe_load(open(ROOT / "datasets" / "russia" / "entities.yaml", encoding="utf-8"))
    out = []
    for e in data:
        if e.get("type") in {"country", "product", "material", "equipment", "technology", "program", "financial_system"}:
            continue
        names = [ListName(n) for n in (e.get("names") or {}).values()]
        names += [ListName(n, "legal") for n in (e.get("legal_names") or {}).values()]
        names += [ListName(n, "aka") for n in e.get("aliases") or []]
        ids = {}
        for i in e.get("identifiers") or []:
            ids.setdefault(i["scheme"], []).append(str(i["value"]))
        out.append(ListEntry(list_id=f"kb:{e['id']}", schema="Organization", names=names,
                             countries=[e["country"].lower()] if e.get("country") else [], identifiers=ids))
    return out


def make_queries(entries: list[ListEntry], n: int, seed: int = 7) -> list[tuple[Query, str | None, str]]:
    """(query, the list_id it was made from or None, how it was made)."""
    rng = random.Random(seed)
    ofac = [e for e in entries if not e.list_id.startswith("kb:") and e.schema in ("Person", "Organization")]
    russian = [e for e in ofac if any("RUSSIA" in p for p in e.programs) or "ru" in e.countries]
    chinese = [(e, nm.name) for e in entries if e.list_id.startswith("kb:") for nm in e.names
               if any("\u4e00" <= ch <= "\u9fff" for ch in nm.name)]
    out: list[tuple[Query, str | None, str]] = []
    for _ in range(n):
        r = rng.random()
        if r < 0.2:
            name, schema = made_up(rng)
            out.append((Query([name], schema=schema if rng.random() < 0.5 else None), None, "non-member"))
            continue
        if r < 0.25 and chinese:
            e, name = rng.choice(chinese)
            name = to_traditional(name) if rng.random() < 0.5 else to_simplified(name)
            out.append((Query([name]), e.list_id, "Traditional/Simplified"))
            continue
        e = rng.choice(russian if r < 0.4 else ofac)
        name = rng.choice(e.names).name
        if r < 0.4:
            name, how = cyrillic_variant(name, e.schema), "Cyrillic spelling"
        elif r < 0.6:
            name, how = typo(name, rng), "typo"
        elif r < 0.75 and e.schema != "Person":
            name, how = legal_variant(name, rng), "legal form"
        elif r < 0.85 and "," in name:
            last, _, first = name.partition(",")
            name, how = f"{first.strip()} {last.strip()}".title(), "word order"
        else:
            name, how = name.title() if rng.random() < 0.5 else name.lower(), "as listed (case)"
        out.append((Query([name], schema=e.schema if rng.random() < 0.5 else None), e.list_id, how))
    return out
