"""Comparing two name forms token by token, with the reasons for the score.

Words pair in four passes: equal words; then near words, best pair first (an initial
matches a word it begins, `N.` ~ `Nursultan`; two words within a few edits score by their
edit distance, optimal string alignment, so a swap of neighbours is one edit; words too far
apart do not pair at all: Ortiz is not Ortega, 习近朋 is not 习近平); then, for people, given
names rigour's name tagger knows as one (Ted ~ Theodore, Сергей ~ Sergey, ប៉ុល ~ Pol); then
runs of words left over on one side written as one word on the other (`Plat Ono Vich` ~
`Platonovich`); and, in names of organisations, an acronym against the words it stands for
(`PLA` ~ `People's Liberation Army`).

Chinese (and Japanese, Korean) words are runs of characters without spaces; two runs that
share stretches of two characters or more are cut at those stretches first, so `俄羅斯貝加爾電子`
~ `貝加爾電子` pairs `贝加尔电子` and leaves `俄罗斯` over, and `莫斯科設計局` ~ `莫斯科中央設計局`
leaves `中央` over.

Words of three letters or fewer pair only when equal or one letter written twice (Jong-uun
~ Jong-un); a word of four letters pairs with one a letter away only beside other words
that pair, never on its own (SMIC is not SOMIC, but Fjord Motor Company ~ Ford Motor
Company); numbers pair only when equal. In people's names, words either side of a `bin`
do not pair across it (Salman bin Muhammad is not Muhammad bin Salman).

The score is the weighted share of the words that paired, both sides counted. Words left
over only on one side (a dropped middle name, a qualifier) weigh little; words left over on
both sides are a conflict (Anders vs Ulf Kristersson) and weigh in full, and a conflict
costs a further factor (numbers left over are no conflict in names of bodies and
things: the matcher caps them for review). Longer words weigh more; particles (al, bin, de) and initials little;
a character of Han, kana or Hangul weighs like a syllable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

from rapidfuzz.distance import OSA, Indel

from chipwatch.names.forms import NameForm, name_forms, reduced
from chipwatch.names.normalize import is_dense
from chipwatch.names.parts import is_particle, is_place

PLACE = 0.4  # weight factor of a country's name in a name (Russian Electronics, 俄罗斯贝加尔电子)


@dataclass(frozen=True)
class Weights:
    """The knobs of the comparison (defaults chosen on half of name_bench, see bench/names.py)."""

    extra_query: float = 0.5  # a word only the query has, when the other side has no word left over
    extra_other: float = 0.3  # a word only the listed name has, likewise
    org_extra_query: float = 0.8  # the same for organisations, whose extra words (a country,
    org_extra_other: float = 0.7  # a line of business) more often name another body
    fuzzy_power: float = 1.0  # a fuzzy pair scores similarity ** fuzzy_power
    exact_only: int = 3  # a word this short pairs only when equal
    supported: int = 4  # a word this short pairs fuzzily only beside words that pair exactly
    short_penalty: float = 1.5  # an edit in a word of four letters or fewer counts this many times
    equivalent: float = 0.9  # score of two given names rigour knows as one (Ted ~ Theodore, Sergej ~ Сергей)
    conflict: float = 0.75  # factor when both sides keep words that paired with nothing
    initial: float = 0.9  # score of an initial against the word it begins
    acronym: float = 0.9  # score of an acronym against the words it stands for (PLA ~ People's Liberation Army)
    particle: float = 0.3  # weight factor of particles


DEFAULT = Weights()


class Comparison:
    """The outcome of compare_tokens: the score and, computed when asked, which words paired."""

    __slots__ = ("_pairs", "_q_left", "_o_left", "conflict", "how", "o", "q", "score")

    def __init__(self, score: float, q: tuple[str, ...], o: tuple[str, ...],
                 pairs: list[tuple[list[int], list[int], float]] | None = None,
                 q_left: list[int] | None = None, o_left: list[int] | None = None,
                 conflict: bool = False, how: str = "tokens"):
        self.score, self.q, self.o, self.conflict, self.how = score, q, o, conflict, how
        self._pairs = pairs if pairs is not None else [(list(range(len(q))), list(range(len(o))), 1.0)]
        self._q_left, self._o_left = q_left or [], o_left or []

    @property
    def pairs(self) -> list[tuple[str, str, float]]:
        """(query words, other words, score), in the query's order."""
        return [(" ".join(self.q[i] for i in qi), " ".join(self.o[j] for j in oj), s)
                for qi, oj, s in sorted(self._pairs, key=lambda p: p[0][0] if p[0] else 0)]

    def words(self) -> tuple[list[str], list[str], list[str]]:
        """The query's words that paired, the other side's that paired, and the words left
        over on either side (quicker than `pairs` when only the words matter)."""
        q, o = self.q, self.o
        return ([q[i] for qi, _, _ in self._pairs for i in qi], [o[j] for _, oj, _ in self._pairs for j in oj],
                [q[i] for i in self._q_left] + [o[j] for j in self._o_left])

    @property
    def query_only(self) -> list[str]:
        return [self.q[i] for i in self._q_left]

    @property
    def other_only(self) -> list[str]:
        return [self.o[j] for j in self._o_left]

    def to_dict(self) -> dict:
        return {"score": round(self.score, 4), "how": self.how,
                "paired": [{"query": q, "listed": o, "score": round(s, 3)} for q, o, s in self.pairs],
                "query_only": self.query_only, "listed_only": self.other_only, "conflict": self.conflict}


def _budget(n: int, dense: bool) -> int:
    """Edits allowed between two words whose longer one has n characters."""
    if dense:
        return 0 if n <= 4 else n // 5
    if n <= 2:
        return 0
    if n <= 5:
        return 1
    if n <= 8:
        return 2
    if n <= 11:
        return 3
    return n // 4


@lru_cache(maxsize=262_144)
def _info(t: str) -> tuple[float, bool, bool]:
    """(weight before the particle factor, dense script, particle) of a word; a country's
    name weighs as little as a particle, but still conflicts with another word."""
    dense = is_dense(t)
    if len(t) == 1:
        return (3.0 if dense else 1.0), dense, False
    base = min(3.0 * len(t), 12.0) if dense else float(min(max(len(t), 2), 10))
    if is_place(t):
        base *= PLACE
    return base, dense, (not dense and is_particle(t))


def token_similarity(a: str, b: str, w: Weights = DEFAULT, supported: bool = True) -> float:
    """How alike two words are (0: they do not pair); `supported`: other words of the two
    names pair exactly, so a word of w.supported letters may pair one letter away."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if _squeeze(a) == _squeeze(b):  # a letter written twice (Jong-uun ~ Jong-un), however short
        return 1.0 - abs(la - lb) / max(la, lb)
    if la == 1 or lb == 1:
        if la != lb and a[0] == b[0] and not _info(a)[1] and not _info(b)[1]:
            return w.initial
        return 0.0
    short = min(la, lb)
    if short <= w.exact_only or (short <= w.supported and not supported) or a.isdigit() or b.isdigit():
        return 0.0  # acronyms, short words and numbers pair only when equal
    n = la if la > lb else lb
    budget = _budget(n, _info(a)[1] or _info(b)[1])
    if budget == 0 or abs(la - lb) > budget:
        return 0.0
    d = OSA.distance(a, b, score_cutoff=budget)
    if d > budget:
        return 0.0
    if n <= 4:
        return max(0.0, 1.0 - w.short_penalty * d / n)
    return 1.0 - d / n


_ROMAN = re.compile(r"^(?=[ivxl])(l?x{0,3})(ix|iv|v?i{0,3})$")


def is_number(t: str) -> bool:
    """Digits, or a Roman numeral of two letters or more (Fund VII)."""
    return t.isdigit() or (len(t) > 1 and _ROMAN.match(t) is not None)


def _conflicts(t: str, kind: str | None) -> bool:
    """A word left over that makes two names conflict: not a particle, nor, but in a
    person's name, a number (names whose numbers differ, Fund VII and Fund VIII, are capped
    for review by the matcher)."""
    return not _info(t)[2] and not (kind != "person" and is_number(t))


def _squeeze(t: str) -> str:
    """A word with each run of one letter written once."""
    return "".join(c for i, c in enumerate(t) if i == 0 or c != t[i - 1])


NASAB = frozenset({"bin", "ibn", "ben", "bint", "binti", "bte"})  # X bin Y: X, child of Y


def _crossed(q: tuple[str, ...], o: tuple[str, ...], pairs: list[tuple[list[int], list[int], float]]) -> list[int]:
    """Pairs (by position) that swap the two sides of a `bin`: `Salman bin Muhammad` is not
    `Muhammad bin Salman`, his father or his son."""
    if not NASAB.intersection(q) or not NASAB.intersection(o):
        return []
    at = {qi[0]: (k, oj[0]) for k, (qi, oj, _) in enumerate(pairs) if len(qi) == 1 and len(oj) == 1}
    out = []
    for i in range(1, len(q) - 1):
        if q[i] in NASAB and i - 1 in at and i + 1 in at:
            (ka, ja), (kb, jb) = at[i - 1], at[i + 1]
            if ja == jb + 2 and o[jb + 1] in NASAB:
                out += [ka, kb]
    return sorted(set(out))


def token_weight(t: str, w: Weights = DEFAULT) -> float:
    base, _, particle = _info(t)
    return base * w.particle if particle else base


Symbols = Callable[[str], frozenset[str]]


def compare_tokens(q: tuple[str, ...], o: tuple[str, ...], w: Weights = DEFAULT, kind: str | None = None,
                   symbols: Symbols | None = None) -> Comparison:
    """Compare the tokens of two forms (query first); kind is 'person', 'org' or None;
    `symbols` gives a word's given-name symbols (default: rigour's name tagger)."""
    if q == o:
        return Comparison(1.0, q, o, how="identical")
    if "".join(q) == "".join(o):
        return Comparison(1.0, q, o, how="joined")
    q, o = split_dense(q, o)
    no = len(o)
    pairs: list[tuple[list[int], list[int], float]] = []
    # equal words first, each with the nearest equal word on the other side
    where: dict[str, list[int]] = {}
    for j, b in enumerate(o):
        where.setdefault(b, []).append(j)
    oa: set[int] = set()
    q_left = []
    for i, a in enumerate(q):
        js = where.get(a)
        if js:
            j = min(js, key=lambda x: abs(x - i))
            js.remove(j)
            oa.add(j)
            pairs.append(([i], [j], 1.0))
        else:
            q_left.append(i)
    o_left = [j for j in range(no) if j not in oa]
    # then near words, best pair first: longer words first, then words of w.supported letters,
    # which pair fuzzily only beside words that paired already
    for short in (False, True):
        if not (q_left and o_left):
            break
        supported = any(not _info(q[qi[0]])[2] for qi, _, _ in pairs)
        if short and not supported:
            break
        cands = []
        for i in q_left:
            a = q[i]
            la = len(a)
            for j in o_left:
                b = o[j]
                lb = len(b)
                if (min(la, lb) <= w.supported) != short or (abs(la - lb) > 3 and la > 1 and lb > 1):
                    continue
                s = token_similarity(a, b, w, supported)
                if s > 0:
                    if w.fuzzy_power != 1.0:
                        s = s ** w.fuzzy_power
                    cands.append((s, -abs(i - j), i, j))
        if cands:
            cands.sort(reverse=True)
            qa: set[int] = set()
            for s, _, i, j in cands:
                if i not in qa and j not in oa:
                    qa.add(i)
                    oa.add(j)
                    pairs.append(([i], [j], s))
            q_left = [i for i in q_left if i not in qa]
            o_left = [j for j in o_left if j not in oa]
    if q_left and o_left and kind != "org" and w.equivalent > 0:
        sym = symbols or name_symbols
        for i in list(q_left):
            for j in o_left:
                if sym(q[i]) & sym(o[j]):
                    pairs.append(([i], [j], w.equivalent))
                    q_left.remove(i)
                    o_left.remove(j)
                    break
    if q_left and o_left:
        pairs += _join_runs(q, o, q_left, o_left, w)
        pairs += [(qi, oj, s) for oj, qi, s in _join_runs(o, q, o_left, q_left, w)]
    if q_left and o_left and kind != "person":
        pairs += _acronym(q, o, q_left, o_left, w)
        pairs += [(qi, oj, s) for oj, qi, s in _acronym(o, q, o_left, q_left, w)]
    if kind == "person" and (crossed := _crossed(q, o, pairs)):
        for k in reversed(crossed):
            qi, oj, _ = pairs.pop(k)
            q_left = sorted(q_left + qi)
            o_left = sorted(o_left + oj)
    qw = [token_weight(t, w) for t in q]
    ow = [token_weight(t, w) for t in o]
    matched = total = 0.0
    for qi, oj, s in pairs:
        pw = sum(qw[i] for i in qi) + sum(ow[j] for j in oj)
        matched += pw * s
        total += pw
    conflict = bool(q_left) and bool(o_left) and any(_conflicts(q[i], kind) for i in q_left) \
        and any(_conflicts(o[j], kind) for j in o_left)
    if conflict:
        total += sum(qw[i] for i in q_left) + sum(ow[j] for j in o_left)
    else:
        xq, xo = (w.org_extra_query, w.org_extra_other) if kind == "org" else (w.extra_query, w.extra_other)
        total += xq * sum(qw[i] for i in q_left) + xo * sum(ow[j] for j in o_left)
    score = matched / total if total else 0.0
    if conflict:
        score *= w.conflict
    return Comparison(score, q, o, pairs, q_left, o_left, conflict)


@cache
def _rigour_analyze():
    try:
        from rigour.names import NameTypeTag, analyze_names
    except ImportError:  # pragma: no cover - depends on the environment
        return None
    return lambda token: analyze_names(NameTypeTag.PER, [token], rewrite=False)


@lru_cache(maxsize=100_000)
def name_symbols(token: str) -> frozenset[str]:
    """The given names (Wikidata ids) and nicknames rigour's name tagger sees in one word:
    `ted` and `theodore` share NICK:TED2; empty when rigour is absent."""
    analyze = _rigour_analyze()
    if analyze is None or len(token) < 2 or token.isdigit():
        return frozenset()
    out = set()
    for name in analyze(token):
        for span in name.spans:
            if len(span.parts) == 1 and span.symbol.category.value in ("NAME", "NICK"):
                out.add(f"{span.symbol.category.value}:{span.symbol.id}")
    return frozenset(out)


def _acronym(a: tuple[str, ...], b: tuple[str, ...], a_left: list[int], b_left: list[int],
             w: Weights) -> list[tuple[list[int], list[int], float]]:
    """One left-over word of a (three to six letters) that is the initials of b's left-over
    words, in order, particles left out (PLA ~ People's Liberation Army, SMIC ~
    Semiconductor Manufacturing International Corporation). Removes what pairs."""
    if not any(3 <= len(a[i]) <= 6 for i in a_left) or not 3 <= len(b_left) <= 8:
        return []
    words = [j for j in b_left if not _info(b[j])[2]]
    if len(words) < 3 or len(words) > 6:
        return []
    initials = "".join(b[j][0] for j in words)
    for i in a_left:
        if a[i] == initials and a[i].isascii() and a[i].isalpha():
            a_left.remove(i)
            for j in words:
                b_left.remove(j)
            return [([i], words, w.acronym)]
    return []


MIN_SHARED = 2  # characters a shared stretch of two Chinese words must have to cut them


def split_dense(q: tuple[str, ...], o: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Chinese (Japanese, Korean) words of each side cut where they share stretches of
    MIN_SHARED characters or more with a word of the other side (see the module text)."""
    dq = [t for t in q if _info(t)[1] and t not in o]
    do = [t for t in o if _info(t)[1] and t not in q]
    if not dq or not do:
        return q, o
    cuts_q: dict[str, set[int]] = {}
    cuts_o: dict[str, set[int]] = {}
    for a in dq:
        for b in do:
            for op in Indel.opcodes(a, b):
                if op.tag == "equal" and op.src_end - op.src_start >= MIN_SHARED:
                    cuts_q.setdefault(a, set()).update((op.src_start, op.src_end))
                    cuts_o.setdefault(b, set()).update((op.dest_start, op.dest_end))
    if not cuts_q:
        return q, o
    return _cut(q, cuts_q), _cut(o, cuts_o)


def _cut(tokens: tuple[str, ...], cuts: dict[str, set[int]]) -> tuple[str, ...]:
    out: list[str] = []
    for t in tokens:
        if t not in cuts:
            out.append(t)
            continue
        points = sorted(cuts[t] | {0, len(t)})
        out.extend(t[i:j] for i, j in zip(points, points[1:], strict=False) if j > i)
    return tuple(out)


def _join_runs(a: tuple[str, ...], b: tuple[str, ...], a_left: list[int], b_left: list[int],
               w: Weights) -> list[tuple[list[int], list[int], float]]:
    """Runs of 2-4 neighbouring left-over words of a written as one left-over word of b.
    Removes what pairs from a_left and b_left."""
    out = []
    for j in list(b_left):
        best = None
        target = len(b[j])
        first = b[j][0]
        for start in a_left:
            if a[start][0] != first:  # a word split in two keeps its first letter
                continue
            run = [start]
            length = len(a[start])
            for k in range(start + 1, min(start + 4, len(a))):
                if k not in a_left:
                    break
                run.append(k)
                length += len(a[k])
                if length > target + 3:
                    break
                if length < target - 3:
                    continue
                s = token_similarity("".join(a[x] for x in run), b[j], w)
                if s > 0 and (best is None or s > best[1]):
                    best = (list(run), s)
        if best:
            run, s = best
            out.append((run, [j], s))
            for x in run:
                a_left.remove(x)
            b_left.remove(j)
    return out


@dataclass
class NameComparison:
    """The best comparison between the forms of two names."""

    score: float
    query_form: NameForm
    other_form: NameForm
    detail: Comparison


def comparable(qf: NameForm, of: NameForm) -> bool:
    """Forms worth comparing. Romanised forms are for crossing scripts and meet Latin forms
    only, so two names in one script other than Latin compare as written (习近朋 is not
    习近平, however alike the pinyin reads). A name as written meets any name as written:
    words apart in spelling can still be one given name to rigour (ប៉ុល ~ Pol)."""
    if qf.script == "romanised":
        return of.script == "latin"
    return of.script != "romanised" or qf.script == "latin"


def compare_forms(qforms: tuple[NameForm, ...], oforms: tuple[NameForm, ...],
                  w: Weights = DEFAULT, kind: str | None = None, symbols: Symbols | None = None) -> NameComparison | None:
    best: NameComparison | None = None
    for qf in qforms:
        for of in oforms:
            if not comparable(qf, of):
                continue
            c = compare_tokens(qf.tokens, of.tokens, w, kind, symbols)
            if best is None or c.score > best.score or (
                    c.score == best.score and len(qf.steps) + len(of.steps) < len(best.query_form.steps) + len(best.other_form.steps)):
                best = NameComparison(c.score, qf, of, c)
    return best


def compare_names(query: str, other: str, kind: str | None = None, w: Weights = DEFAULT) -> NameComparison | None:
    """Compare two names in any script; kind is 'person', 'org' or None (see forms.kind_of)."""
    return compare_forms(reduced(name_forms(query, kind)), reduced(name_forms(other, kind)), w, kind)
