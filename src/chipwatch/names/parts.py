"""Legal forms, titles, articles and particles (legal_forms.yaml, name_parts.yaml): finding
them in the tokens of a name and taking them out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz.distance import OSA

from chipwatch import yamldata
from chipwatch.names.normalize import ascii_fold, clean_tokens, has_han

_LANGS_META = {"id", "meaning", "kind"}


@dataclass(frozen=True, slots=True)
class LegalForm:
    id: str
    meaning: str
    kind: str  # legal_form | descriptor


@dataclass(frozen=True, slots=True)
class Removed:
    """A part taken out of a name: the words as they stood, and what they are."""

    text: str
    what: str  # legal_form | descriptor | title | article
    id: str = ""
    meaning: str = ""

    def describe(self) -> str:
        label = {"legal_form": "legal form", "descriptor": "descriptor"}.get(self.what, self.what)
        return f"{label} '{self.text}'" + (f" ({self.meaning})" if self.meaning else "")


def _data(name: str) -> dict:
    return yamldata.load(resources.files("chipwatch.names").joinpath(name).read_text("utf-8"))


def _words(text: str) -> tuple[str, ...]:
    return tuple(ascii_fold(t) for t in clean_tokens(text))


@dataclass(frozen=True)
class _Tables:
    by_first: dict[str, list[tuple[tuple[str, ...], LegalForm]]]  # first word -> (words, form), longest first
    han_suffixes: list[tuple[str, LegalForm]]  # longest first
    titles: dict[str, list[tuple[str, ...]]]
    articles: frozenset[str]
    particles: frozenset[str]
    forms: dict[str, LegalForm]
    near: dict[str, tuple[str, ...]]  # one-deletion variant -> words of legal forms (of 5 letters or more)


@cache
def tables() -> _Tables:
    by_first: dict[str, list[tuple[tuple[str, ...], LegalForm]]] = {}
    han: list[tuple[str, LegalForm]] = []
    forms: dict[str, LegalForm] = {}
    for row in _data("legal_forms.yaml")["legal_forms"]:
        form = LegalForm(row["id"], row["meaning"], row.get("kind", "legal_form"))
        forms[form.id] = form
        for lang, values in row.items():
            if lang in _LANGS_META:
                continue
            for value in values:
                words = _words(str(value))
                if not words:
                    continue
                if len(words) == 1 and has_han(words[0]):
                    han.append((words[0], form))
                else:
                    by_first.setdefault(words[0], []).append((words, form))
    for rows in by_first.values():
        rows.sort(key=lambda r: -len(r[0]))
    han.sort(key=lambda r: -len(r[0]))
    parts = _data("name_parts.yaml")
    titles: dict[str, list[tuple[str, ...]]] = {}
    for t in parts["titles"]:
        if words := _words(t):
            titles.setdefault(words[0], []).append(words)
    for rows in titles.values():
        rows.sort(key=lambda r: -len(r))
    articles = frozenset(w for a in parts["articles"] for w in _words(a))
    particles = frozenset(w for p in parts["particles"] for w in _words(p))
    near: dict[str, set[str]] = {}
    for rows in by_first.values():
        for words, _ in rows:
            for w in words:
                if len(w) >= 5 and not has_han(w):
                    for v in {w} | {w[:i] + w[i + 1:] for i in range(len(w))}:
                        near.setdefault(v, set()).add(w)
    return _Tables(by_first, han, titles, articles, particles, forms, {k: tuple(sorted(v)) for k, v in near.items()})


@lru_cache(maxsize=100_000)
def _legal_word(token: str) -> str:
    """The word of a legal form token is one edit from (`comapny` -> `company`), or token."""
    near = tables().near
    if len(token) < 4 or token in tables().by_first or token in near and token in near[token]:
        return token
    found = set(near.get(token, ()))
    for i in range(len(token)):
        found.update(near.get(token[:i] + token[i + 1:], ()))
    found = {w for w in found if OSA.distance(token, w, score_cutoff=1) <= 1}
    return min(found) if len(found) == 1 else token


def is_particle(token: str) -> bool:
    return token in tables().particles


def _short(words: tuple[str, ...]) -> bool:
    return sum(len(w) for w in words) <= 2


def strip_legal_forms(tokens: list[str]) -> tuple[list[str], list[Removed]]:
    """Tokens without their legal forms and descriptors, and what was removed. Forms of two
    letters or fewer go only at either end; a Han run loses legal-form suffixes. Nothing is
    removed if nothing would be left."""
    t = tables()
    out: list[str] = []
    removed: list[Removed] = []
    canon = [_legal_word(x) for x in tokens]  # a legal form with a typo is still one
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        hit = None
        for words, form in t.by_first.get(canon[i], ()):
            k = len(words)
            if tuple(canon[i:i + k]) == words and (not _short(words) or i == 0 or i + k == n):
                hit = (k, form)
                break
        if hit:
            k, form = hit
            removed.append(Removed(" ".join(tokens[i:i + k]), form.kind, form.id, form.meaning))
            i += k
            continue
        if has_han(tok):
            changed = True
            while changed:
                changed = False
                for suffix, form in t.han_suffixes:
                    if tok.endswith(suffix) and len(tok) - len(suffix) >= 2:
                        removed.append(Removed(suffix, form.kind, form.id, form.meaning))
                        tok = tok[: -len(suffix)]
                        changed = True
                        break
        out.append(tok)
        i += 1
    if not out or all(is_particle(x) for x in out):
        return list(tokens), []
    return out, removed


def strip_titles(tokens: list[str]) -> tuple[list[str], list[Removed]]:
    """A person's name without leading titles (Dr., President) and articles (The)."""
    t = tables()
    removed: list[Removed] = []
    i = 0
    while i < len(tokens) - 1:
        for words in t.titles.get(tokens[i], ()):
            if tuple(tokens[i:i + len(words)]) == words and i + len(words) < len(tokens):
                removed.append(Removed(" ".join(words), "title"))
                i += len(words)
                break
        else:
            break
    return tokens[i:], removed


def strip_article(tokens: list[str]) -> tuple[list[str], list[Removed]]:
    if len(tokens) > 1 and tokens[0] in tables().articles:
        return tokens[1:], [Removed(tokens[0], "article")]
    return tokens, []


# Number words that mean nothing else in a name: a word like `premier`, `una` or `one` is
# kept as it is, so `Premier Oil` never meets `First Oil`.
_NOT_NUMBERS = {"premier", "primer", "primera", "primero", "una", "one", "i", "erste", "erster"}


@cache
def _numbers() -> tuple[dict[tuple[str, ...], str], int]:
    """Written numbers and ordinals (rigour's table: `first`, `1st`, `forty-four`, `no 44`)
    as tokens -> digits, Latin script only; and the longest run of tokens in it."""
    try:
        from rigour._core import ordinals_dict  # the data rigour's own ordinal matching uses
    except ImportError:  # pragma: no cover - depends on the environment
        return {}, 0
    out: dict[tuple[str, ...], str] = {}
    for n, forms in ordinals_dict().items():
        for form in forms:
            if not form.isascii():  # Latin script only (and no accents: `vigésimo` stays out)
                continue
            words = tuple(form.casefold().replace("-", " ").replace(".", "").split())
            if words and all(w.isalnum() for w in words) and (len(words) > 1 or len(words[0]) > 1) \
                    and not (len(words) == 1 and words[0] in _NOT_NUMBERS) and words != (str(n),):
                out[words] = str(n)
    return out, max((len(k) for k in out), default=0)


def numbers_as_digits(tokens: list[str]) -> list[str] | None:
    """The tokens with written numbers as digits (`first international bank` ->
    `1 international bank`), or None if there is none."""
    table, longest = _numbers()
    out, i, changed = [], 0, False
    while i < len(tokens):
        for k in range(min(longest, len(tokens) - i), 0, -1):
            digit = table.get(tuple(tokens[i:i + k]))
            if digit is not None:
                out.append(digit)
                i += k
                changed = True
                break
        else:
            out.append(tokens[i])
            i += 1
    return out if changed else None


@cache
def _places() -> frozenset[str]:
    """Names of countries as single words, in every script rigour's territory table gives
    (`russia`, `russian`, `россия`, `俄罗斯`, `中国`): strong names, and weak ones only in
    Chinese, Japanese or Korean characters, where they cannot be a word of another kind."""
    try:
        import json

        from rigour._core import territories_jsonl
    except ImportError:  # pragma: no cover - depends on the environment
        return frozenset()
    out = set()
    for line in territories_jsonl().splitlines():
        t = json.loads(line)
        if not t.get("is_country"):
            continue
        names = [t.get("name", ""), t.get("full_name", ""), *t.get("names_strong", [])]
        names += [n for n in t.get("names_weak", []) if has_han(n)]
        for name in names:
            if " " in name.strip() or "-" in name:
                continue  # one word only
            word = name.strip() if has_han(name) else ascii_fold(name.strip().casefold())  # Han: both scripts are listed
            if len(word) > (1 if has_han(word) else 2) and word.isalpha():
                out.add(word)
    return frozenset(out)


def is_place(token: str) -> bool:
    """A country's name or adjective: says where a party is, little about who it is."""
    return token in _places()
