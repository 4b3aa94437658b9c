"""The persistent name index of one list version, or of the knowledge graph's names.

Built once, when a list is imported (and by `build` for the knowledge graph), and kept in
the store, so screening never analyses a listed name again. Each version has tables of its
own (prefix `nix<n>_`, listed in `name_index_meta`), so a lookup reads that version only,
however many are imported:

    <p>names   one row per listed name: its entry, and words in its shortest form
    <p>forms   the forms a comparison uses (names.forms.reduced), with their steps
    <p>keys    blocking keys -> names (words, Chinese character pairs, two words written
               as one, and each form written without spaces); sorted by key
    <p>df      per key, the names holding it and its weight (IDF)
    <p>fuzzy   one-deletion variants of each word of four letters or more
    <p>ids     identifiers -> entries
    token_symbols   given names and nicknames rigour sees in a word (shared by all versions)

Screening reads these tables in SQL on the store (screening.blocking, `fetch`), or loads a
version whole (`IndexData.load`). `IndexData.build` makes the same data from list entries
without a store (tests, benchmarks).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from chipwatch.names.forms import ORG, NameForm, kind_of, name_forms, reduced
from chipwatch.names.normalize import has_han, is_dense
from chipwatch.screening.lists.model import ListEntry, ListName

KB_VERSION = "kb"  # the knowledge graph's own names
BLOB_NAMES = 20_000  # an index of up to this many names is also kept whole, as JSON, to load in milliseconds
BIGRAM, JOINED, EXACT = "\x00", "\x01", "\x03"  # key prefixes: Chinese character pair, two words as one, whole form
FUZZY_FACTOR = 0.8  # a word reached through one edit counts this much
MAX_DF = 0.01  # a key held by more than this share of all names opens no names by itself
MIN_MAX_DF = 50
PARTS = {  # each version's tables, after its prefix
    "names": "name_id INTEGER, list_id VARCHAR, entry INTEGER, name_idx INTEGER, words INTEGER",
    "forms": "name_id INTEGER, form INTEGER, tokens VARCHAR[], steps VARCHAR[], script VARCHAR",
    "keys": "key VARCHAR, name_id INTEGER",
    "df": "key VARCHAR, df INTEGER, w DOUBLE",
    "fuzzy": "del VARCHAR, word VARCHAR",
    "ids": "scheme VARCHAR, value VARCHAR, list_id VARCHAR",
}
# Entity types of the knowledge graph that are parties (they can be listed, own or be owned).
PARTY_TYPES = {"company": "Company", "state_body": "PublicBody", "research_institute": "Organization",
               "fund": "Organization", "industry_body": "Organization"}


# --- keys, shared by both sides --------------------------------------------------------------

def fuzzy_ok(token: str) -> bool:
    """Words long enough to be found one edit away (never Chinese, Japanese or Korean)."""
    return len(token) >= 4 and not is_dense(token)


def deletions(token: str) -> set[str]:
    return {token[:i] + token[i + 1:] for i in range(len(token))}


def word_keys(token: str) -> list[str]:
    """The keys a word is found by: itself and, for Chinese, its character pairs."""
    if has_han(token) and len(token) > 1:
        return [token, *(BIGRAM + token[i:i + 2] for i in range(len(token) - 1))]
    return [token]


def form_keys(tokens: Sequence[str]) -> list[str]:
    keys = [k for t in tokens for k in word_keys(t)]
    keys += [JOINED + a + b for a, b in zip(tokens, tokens[1:], strict=False)]
    return keys


def normalise_id(value: str) -> str:
    return "".join(ch for ch in str(value) if ch not in " -./\t").upper()


def max_df(names: int) -> int:
    return max(MIN_MAX_DF, int(MAX_DF * names))


def idf(names: int, df: int) -> float:
    return math.log(1 + names / df)


# --- the index ---------------------------------------------------------------------------------

@dataclass
class IndexData:
    """One version's index in memory (the same data as its tables), whole or in part: a
    SQL blocker fetches only what its candidates need (`fetch`), and leaves `postings`,
    `weights` and `fuzzy` empty."""

    version: str
    size: int  # names in the whole index
    entries: Sequence[ListEntry] | dict[int, ListEntry]  # by entry number
    names: Sequence[tuple[int, int, int]] | dict[int, tuple[int, int, int]]  # name id -> (entry, name index, words)
    forms: Sequence[tuple[NameForm, ...]] | dict[int, tuple[NameForm, ...]]  # name id -> its forms
    df: dict[str, int]  # key -> names holding it (whole index, or the words the candidates need)
    ids: dict[tuple[str, str], tuple[int, ...]]  # (scheme, value) -> entries
    symbols: dict[str, frozenset[str]] = field(default_factory=dict)  # word -> rigour symbols
    postings: dict[str, tuple[int, ...]] = field(default_factory=dict)  # key -> name ids
    weights: dict[str, float] = field(default_factory=dict)  # key -> IDF
    fuzzy: dict[str, tuple[str, ...]] = field(default_factory=dict)  # deletion variant -> words

    @property
    def max_df(self) -> int:
        return max_df(self.size)

    @property
    def unknown_weight(self) -> float:
        return math.log(1 + max(self.size, 1))

    def symbol(self, token: str) -> frozenset[str]:
        return self.symbols.get(token, frozenset())

    def names_of(self, entry: int) -> list[int]:
        """Name ids of an entry."""
        by = self.__dict__.get("_by_entry")
        if by is None:
            by = self.__dict__["_by_entry"] = {}
            items = self.names.items() if isinstance(self.names, dict) else enumerate(self.names)
            for nid, (ei, _, _) in items:
                by.setdefault(ei, []).append(nid)
        return by.get(entry, [])

    @classmethod
    def build(cls, version: str, entries: Sequence[ListEntry], symbols: dict[str, frozenset[str]] | None = None) -> IndexData:
        """The index of `entries`; the given names of person-like names come from `symbols`
        where known, else from rigour's name tagger."""
        names, forms, postings = [], [], {}
        for ei, entry in enumerate(entries):
            kind = kind_of(entry.schema)
            for ni, name in enumerate(entry.names):
                fs = reduced(name_forms(name.name, kind))
                if not fs:
                    continue
                nid = len(names)
                names.append((ei, ni, min(len(f.tokens) for f in fs)))
                forms.append(fs)
                keys = {k for f in fs for k in form_keys(f.tokens)}
                keys.update(EXACT + f.compact for f in fs if f.script != "romanised")
                for k in keys:
                    postings.setdefault(k, []).append(nid)
        n = max(len(names), 1)
        fuzzy: dict[str, list[str]] = {}
        for key in postings:
            if key[0] not in (BIGRAM, JOINED, EXACT) and fuzzy_ok(key):
                for d in {key} | deletions(key):
                    fuzzy.setdefault(d, []).append(key)
        ids: dict[tuple[str, str], list[int]] = {}
        for ei, entry in enumerate(entries):
            for scheme, values in entry.identifiers.items():
                for v in values:
                    got = ids.setdefault((scheme.lower(), normalise_id(v)), [])
                    if ei not in got:
                        got.append(ei)
        people = {t for (ei, _, _), fs in zip(names, forms, strict=True) if kind_of(entries[ei].schema) != ORG
                  for f in fs for t in f.tokens}
        return cls(version, len(names), list(entries), names, forms, {k: len(v) for k, v in postings.items()},
                   {k: tuple(v) for k, v in ids.items()}, given_names(people, symbols or {}),
                   {k: tuple(v) for k, v in postings.items()}, {k: idf(n, len(v)) for k, v in postings.items()},
                   {k: tuple(sorted(v)) for k, v in fuzzy.items()})

    # -- to and from the store ------------------------------------------------------------

    def rows(self) -> dict[str, dict[str, list]]:
        """Column lists for each of the version's tables (see the module text)."""
        names = {"name_id": list(range(len(self.names))), "list_id": [self.entries[e].list_id for e, _, _ in self.names],
                 "entry": [e for e, _, _ in self.names], "name_idx": [i for _, i, _ in self.names],
                 "words": [w for _, _, w in self.names]}
        forms: dict[str, list] = {"name_id": [], "form": [], "tokens": [], "steps": [], "script": []}
        for nid, fs in enumerate(self.forms):
            for fi, f in enumerate(fs):
                for col, val in zip(forms, (nid, fi, list(f.tokens), list(f.steps), f.script), strict=True):
                    forms[col].append(val)
        keys: dict[str, list] = {"key": [], "name_id": []}
        for key in sorted(self.postings):
            for nid in self.postings[key]:
                keys["key"].append(key)
                keys["name_id"].append(nid)
        df_keys = sorted(self.postings)
        df = {"key": df_keys, "df": [self.df[k] for k in df_keys], "w": [self.weights[k] for k in df_keys]}
        fz: dict[str, list] = {"del": [], "word": []}
        for d in sorted(self.fuzzy):
            for w in self.fuzzy[d]:
                fz["del"].append(d)
                fz["word"].append(w)
        ids: dict[str, list] = {"scheme": [], "value": [], "list_id": []}
        for (scheme, value), eis in sorted(self.ids.items()):
            for ei in eis:
                for col, val in zip(ids, (scheme, value, self.entries[ei].list_id), strict=True):
                    ids[col].append(val)
        return {"names": names, "forms": forms, "keys": keys, "df": df, "fuzzy": fz, "ids": ids}

    def to_blob(self) -> str:
        """The whole index as JSON (for small ones: loading it beats a SQL round trip)."""
        steps = sorted({st for fs in self.forms for f in fs for st in f.steps})
        at = {st: i for i, st in enumerate(steps)}
        return json.dumps({
            "size": self.size, "entries": [e.to_dict() for e in self.entries], "names": self.names, "steps": steps,
            "forms": [[[list(f.tokens), [at[x] for x in f.steps], f.script] for f in fs] for fs in self.forms],
            "postings": self.postings, "weights": self.weights, "fuzzy": self.fuzzy,
            "ids": [[a, b, list(v)] for (a, b), v in self.ids.items()]}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_blob(cls, version: str, text: str, symbols: dict[str, frozenset[str]]) -> IndexData:
        d = json.loads(text)
        steps = d["steps"]
        postings = {k: tuple(v) for k, v in d["postings"].items()}
        return cls(version, d["size"], [ListEntry.from_record(e) for e in d["entries"]], [tuple(n) for n in d["names"]],
                   [tuple(NameForm(tuple(t), tuple(steps[i] for i in si), (), sc) for t, si, sc in fs) for fs in d["forms"]],
                   {k: len(v) for k, v in postings.items()}, {(a, b): tuple(v) for a, b, v in d["ids"]}, symbols,
                   postings, d["weights"], {k: tuple(v) for k, v in d["fuzzy"].items()})

    @classmethod
    def load(cls, con, version: str, postings: bool = True, symbols: dict[str, frozenset[str]] | None = None) -> IndexData:
        """The index of `version` read from the store (`con`: a DuckDB connection); without
        `postings`, what scoring needs only (blocking then runs in SQL). `symbols`: the
        store's token symbols, if the caller holds them already."""
        st = stored(con, version)
        if st is None:
            raise LookupError(version)
        symbols = stored_symbols(con) if symbols is None else symbols
        if postings and (blob := con.execute("SELECT data FROM name_index_blobs WHERE version = ?", [version]).fetchone()):
            return cls.from_blob(version, blob[0], symbols)
        t = st.table
        entries = load_entries(con, version, t("names"))
        by_list = {lid: i for i, lid in enumerate(entries.list_ids if isinstance(entries, Records)
                                                  else [e.list_id for e in entries])}
        names = [(by_list[lid], ni, w) for lid, ni, w in con.execute(
            f"SELECT list_id, name_idx, words FROM {t('names')} ORDER BY name_id").fetchall()]
        forms: list[list[NameForm]] = [[] for _ in names]
        for nid, tokens, steps, script in con.execute(
                f"SELECT name_id, tokens, steps, script FROM {t('forms')} ORDER BY name_id, form").fetchall():
            forms[nid].append(NameForm(tuple(tokens), tuple(steps), (), script))
        ids: dict[tuple[str, str], list[int]] = {}
        for scheme, value, lid in con.execute(f"SELECT scheme, value, list_id FROM {t('ids')}").fetchall():
            ids.setdefault((scheme, value), []).append(by_list[lid])
        df, weights = {}, {}
        for key, n, w in con.execute(f"SELECT key, df, w FROM {t('df')}").fetchall():
            df[key], weights[key] = n, w
        ix = cls(version, len(names), entries, names, [tuple(f) for f in forms], df,
                 {k: tuple(v) for k, v in ids.items()}, symbols)
        if postings:
            by_key: dict[str, list[int]] = {}
            for key, nid in con.execute(f"SELECT key, name_id FROM {t('keys')}").fetchall():
                by_key.setdefault(key, []).append(nid)
            fuzzy: dict[str, list[str]] = {}
            for d, w in con.execute(f"SELECT del, word FROM {t('fuzzy')}").fetchall():
                fuzzy.setdefault(d, []).append(w)
            ix.postings = {k: tuple(sorted(v)) for k, v in by_key.items()}
            ix.weights = weights
            ix.fuzzy = {k: tuple(sorted(v)) for k, v in fuzzy.items()}
        return ix

    @classmethod
    def fetch(cls, con, st: Stored, name_ids: Iterable[int], ids: Iterable[tuple[str, str]],
              tokens: Iterable[str]) -> IndexData:
        """The part of a version's index that scoring a few queries needs: these names, the
        entries holding them or sharing one of `ids` (scheme, normalised value) with every
        name of theirs, and the frequency and symbols of `tokens` and of the names' words."""
        t = st.table
        ids = sorted(set(ids))
        id_rows = con.execute(
            f"SELECT i.scheme, i.value, n.entry FROM {t('ids')} i JOIN (SELECT DISTINCT list_id, entry FROM {t('names')}) n "
            "ON n.list_id = i.list_id WHERE list_contains($ids, i.scheme || chr(31) || i.value)",
            {"ids": [f"{a}\x1f{b}" for a, b in ids]}).fetchall() if ids else []
        by_id: dict[tuple[str, str], list[int]] = {}
        for scheme, value, e in id_rows:
            by_id.setdefault((scheme, value), []).append(e)
        rows = con.execute(
            f"SELECT n.name_id, n.entry, n.name_idx, n.words, n.list_id, f.tokens, f.steps, f.script FROM {t('names')} n "
            f"JOIN {t('forms')} f ON f.name_id = n.name_id WHERE list_contains($n, n.name_id) OR list_contains($e, n.entry) "
            "ORDER BY n.name_id, f.form",
            {"n": sorted(set(name_ids)), "e": sorted({e for _, _, e in id_rows})}).fetchall()
        names, forms, lists = {}, {}, {}
        for nid, e, ni, w, lid, toks, steps, script in rows:
            names[nid] = (e, ni, w)
            lists[lid] = e
            forms.setdefault(nid, []).append(NameForm(tuple(toks), tuple(steps), (), script))
        entries = {lists[lid]: entry for lid, entry in _records(con, st.version, sorted(lists))} if lists else {}
        words = set(tokens) | {tok for fs in forms.values() for f in fs for tok in f.tokens}
        df = dict(con.execute(f"SELECT key, df FROM {t('df')} WHERE key IN (SELECT UNNEST(?::VARCHAR[]))",
                              [sorted(words)]).fetchall()) if words else {}
        return cls(st.version, st.size, entries, names, {k: tuple(v) for k, v in forms.items()}, df,
                   {k: tuple(v) for k, v in by_id.items()}, stored_symbols(con, words))


@dataclass(frozen=True)
class Stored:
    """Where a version's index lives in the store, and its sizes."""

    version: str
    prefix: str
    size: int
    max_df: int
    unknown_weight: float

    def table(self, part: str) -> str:
        return self.prefix + part


def stored(con, version: str) -> Stored | None:
    """A version's index in the store, or None (none built: a store from before the index)."""
    import duckdb

    try:
        row = con.execute("SELECT version, prefix, names, max_df, unknown_w FROM name_index_meta WHERE version = ?",
                          [version]).fetchone()
    except duckdb.CatalogException:
        return None
    return Stored(*row) if row else None


def entry_forms(con, st: Stored, list_id: str) -> dict[int, tuple[NameForm, ...]]:
    """An entry's names (by their place in the entry) and their forms, from the index."""
    out: dict[int, list[NameForm]] = {}
    for ni, toks, steps, script in con.execute(
            f"SELECT n.name_idx, f.tokens, f.steps, f.script FROM {st.table('names')} n JOIN {st.table('forms')} f "
            "ON f.name_id = n.name_id WHERE n.list_id = ? ORDER BY n.name_idx, f.form", [list_id]).fetchall():
        out.setdefault(ni, []).append(NameForm(tuple(toks), tuple(steps), (), script))
    return {k: tuple(v) for k, v in out.items()}


def _records(con, version: str, list_ids: list[str]) -> list[tuple[str, ListEntry]]:
    if version == KB_VERSION:
        return [(e.list_id, e) for e in kb_entries(con, list_ids)]
    return [(lid, ListEntry.from_record(r)) for lid, r in con.execute(
        "SELECT list_id, record FROM list_entries WHERE version = ? AND list_contains(?, list_id)",
        [version, list_ids]).fetchall()]


def load_entries(con, version: str, names_table: str) -> list[ListEntry]:
    """A version's entries, in the order the index numbers them."""
    if version == KB_VERSION:
        return kb_entries(con)
    rows = con.execute(
        f"SELECT e.list_id, e.record FROM list_entries e JOIN (SELECT DISTINCT list_id, entry FROM {names_table}) n "  # noqa: S608
        "ON n.list_id = e.list_id WHERE e.version = ? ORDER BY n.entry", [version]).fetchall()
    return Records([lid for lid, _ in rows], [r for _, r in rows])


class Records(Sequence[ListEntry]):
    """Entries kept as their stored JSON and parsed when first asked for: a batch scores a
    few thousand of a list's entries, and parsing all of them was most of a load."""

    __slots__ = ("list_ids", "_raw", "_parsed")

    def __init__(self, list_ids: list[str], raw: list[str]):
        self.list_ids, self._raw = list_ids, raw
        self._parsed: list[ListEntry | None] = [None] * len(raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        e = self._parsed[i]
        if e is None:
            e = self._parsed[i] = ListEntry.from_record(self._raw[i])
        return e


def kb_entries(con, only: list[str] | None = None) -> list[ListEntry]:
    """The knowledge graph's parties (those of `only`, if given) as list entries: names in
    every script, identifiers, country. Ordered by id: entry numbers follow that order."""
    types = list(PARTY_TYPES)
    cond, params = ("AND list_contains(?, e.id)", [only]) if only is not None else ("", [])
    names: dict[str, list[ListName]] = {}
    for eid, name, kind in con.execute(
            "SELECT n.entity_id, n.name, n.kind FROM names n JOIN entities e ON e.id = n.entity_id "
            f"WHERE list_contains(?, e.type) AND n.kind <> 'derived' {cond} ORDER BY n.entity_id, n.kind = 'alias', n.name",
            [types, *params]).fetchall():
        names.setdefault(eid, []).append(ListName(name, "aka" if kind == "alias" else "primary"))
    ids: dict[str, dict[str, list[str]]] = {}
    for eid, scheme, value in con.execute("SELECT entity_id, scheme, value FROM identifiers").fetchall():
        ids.setdefault(eid, {}).setdefault(scheme, []).append(value)
    out = []
    for eid, etype, country in con.execute(
            f"SELECT e.id, e.type, e.country FROM entities e WHERE list_contains(?, e.type) {cond} ORDER BY e.id",
            [types, *params]).fetchall():
        if eid in names:
            out.append(ListEntry(eid, PARTY_TYPES[etype], names[eid], countries=[country.lower()] if country else [],
                                 identifiers=ids.get(eid, {})))
    return out


# --- given names (rigour) ------------------------------------------------------------------------

def stored_symbols(con, tokens: Iterable[str] | None = None) -> dict[str, frozenset[str]]:
    """The symbols the store holds for these words (all it holds, without `tokens`); a word
    analysed and found to carry none has an empty set, a word never analysed is absent."""
    import duckdb

    try:
        if tokens is None:
            rows = con.execute("SELECT token, symbols FROM token_symbols").fetchall()
        else:
            if not (tokens := sorted(set(tokens))):
                return {}
            rows = con.execute("SELECT token, symbols FROM token_symbols WHERE list_contains(?, token)", [tokens]).fetchall()
    except duckdb.CatalogException:  # a store from before the index
        return {}
    return {t: frozenset(s) for t, s in rows}


def given_names(tokens: Iterable[str], known: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """Symbols of each word: from `known`, else from rigour's name tagger (seconds to load,
    so only when some word is new). The nicknames rigour gives a word come too, with their
    own symbols (`theodore` brings `ted`), so a query that writes a nickname finds them
    although no list writes it."""
    from chipwatch.names.compare import name_symbols

    def look(t: str) -> frozenset[str]:
        return known[t] if t in known else name_symbols(t)

    out = {t: look(t) for t in tokens}
    nicks = {_NICK_DIGITS.sub("", s.split(":", 1)[1]).lower() for syms in out.values() for s in syms
             if s.startswith("NICK:")}
    out.update({n: look(n) for n in nicks if n and n not in out})
    return out


_NICK_DIGITS = re.compile(r"\d+$")


def write(con, data: IndexData) -> Stored:
    """Replace `data.version`'s index in the store on `con` (inside the caller's transaction)."""
    drop(con, data.version)
    n = con.execute("SELECT coalesce(max(CAST(regexp_extract(prefix, '[0-9]+') AS INTEGER)), 0) + 1 "
                    "FROM name_index_meta").fetchone()[0]
    st = Stored(data.version, f"nix{n}_", data.size, data.max_df, data.unknown_weight)
    for part, cols in data.rows().items():
        con.execute(f"CREATE TABLE {st.table(part)} ({PARTS[part]})")
        insert_columns(con, st.table(part), cols)
    con.execute("INSERT INTO name_index_meta VALUES (?, ?, ?, ?, ?)",
                [st.version, st.prefix, st.size, st.max_df, st.unknown_weight])
    if data.size <= BLOB_NAMES:
        con.execute("INSERT INTO name_index_blobs VALUES (?, ?)", [data.version, data.to_blob()])
    # every word analysed is remembered, with or without symbols, so no later import asks rigour again
    known = {t for (t,) in con.execute("SELECT token FROM token_symbols").fetchall()}
    new = sorted(t for t in data.symbols if t not in known)
    if new:
        insert_columns(con, "token_symbols", {"token": new, "symbols": [sorted(data.symbols[t]) for t in new]})
    return st


def drop(con, version: str) -> None:
    """Remove a version's index (its tables and its row in name_index_meta)."""
    st = stored(con, version)
    if st is not None:
        for part in PARTS:
            con.execute(f"DROP TABLE IF EXISTS {st.table(part)}")
        con.execute("DELETE FROM name_index_meta WHERE version = ?", [version])
        con.execute("DELETE FROM name_index_blobs WHERE version = ?", [version])


def copy(con, version: str, source: str = "old") -> bool:
    """Copy a version's index from the attached database `source` (a rebuild keeps it)."""
    row = con.execute(f"SELECT version, prefix, names, max_df, unknown_w FROM {source}.name_index_meta WHERE version = ?",
                      [version]).fetchone()
    if row is None:
        return False
    old = Stored(*row)
    for part in PARTS:
        con.execute(f"CREATE TABLE {old.table(part)} AS SELECT * FROM {source}.{old.table(part)}")
    con.execute("INSERT INTO name_index_meta VALUES (?, ?, ?, ?, ?)", list(row))
    con.execute(f"INSERT INTO name_index_blobs SELECT * FROM {source}.name_index_blobs WHERE version = ?", [version])
    return True


def has_blob(con, version: str) -> bool:
    import duckdb

    try:
        return con.execute("SELECT 1 FROM name_index_blobs WHERE version = ?", [version]).fetchone() is not None
    except duckdb.CatalogException:  # a store from before small indexes were kept whole
        return False


def insert_columns(con, table: str, cols: dict[str, list]) -> None:
    """INSERT column lists through UNNEST (no Arrow needed); column types from the table."""
    n = len(next(iter(cols.values())))
    if not n:
        return
    types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ?", [table]).fetchall())
    select = ", ".join(f"UNNEST(?::{types[c]}[]) AS {c}" for c in cols)
    con.execute(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {select}", list(cols.values()))  # noqa: S608


def build_kb(con) -> IndexData:
    """Write the knowledge graph's name index (version `kb`) on `con`."""
    data = IndexData.build(KB_VERSION, kb_entries(con), stored_symbols(con))
    write(con, data)
    return data


