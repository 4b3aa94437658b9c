"""datasets/sources-2022-2024: second sources (US government texts) held verbatim, every quote
in its held text, every source public domain with its address, date and publisher."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

import pytest

from chipwatch.dataset import load_dataset
from chipwatch.errors import ChipwatchError
from chipwatch.review.together import validate_together, with_datasets

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO / "datasets" / "sources-2022-2024"


def _squash(text: str) -> str:
    """White space ignored (and NFKC), as the brief for quotes says; written here apart from the
    library's own squash so that this test checks the data, not the code that made it."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def ds():
    return load_dataset(SOURCES, claims=True)


def test_every_quote_is_verbatim_in_its_held_text(ds):
    held = {s.id: (SOURCES / s.held).read_text(encoding="utf-8") for s in ds.sources}
    quotes = [(c.id, ev) for c in ds.claims for ev in c.evidence]
    assert len(quotes) >= 14
    for cid, ev in quotes:
        assert ev.source in held, (cid, ev.source)
        assert _squash(ev.quote) in _squash(held[ev.source]), (cid, ev.quote)


def test_every_source_is_held_with_its_address_date_publisher_and_licence(ds):
    for s in ds.sources:
        path = SOURCES / s.held
        assert s.held == f"texts/{s.id}.txt" and path.is_file(), s.id  # relative to the dataset folder
        assert hashlib.sha256(path.read_bytes()).hexdigest() == s.sha256, s.id
        assert s.url and s.url.startswith("https://"), s.id
        assert s.date and s.publisher and s.language == "en", s.id
        assert "public domain" in (s.licence or "") and "17 U.S.C. 105" in s.licence, s.id
    cited = {ev.source for c in ds.claims for ev in c.evidence}
    assert cited == {s.id for s in ds.sources}  # no source without a claim, no claim without a held source


def test_it_validates_with_the_dataset_it_builds_on(ds):
    assert [p.name for p in with_datasets(SOURCES)] == ["russia"]
    _, report = validate_together(SOURCES)
    assert report.ok, [str(p) for p in report.problems]
    assert report.quotes_checked == sum(len(c.evidence) for c in ds.claims)  # all checked, none skipped
    subjects = {c.subject for c in ds.claims}
    assert {"smic", "russia", "belarus"} <= subjects  # entities of datasets/russia, not copies of them


def test_it_builds_together_with_the_bundled_datasets(tmp_path):
    from chipwatch.store import build_store
    from chipwatch.store.read import Store

    db = tmp_path / "cw.duckdb"
    with pytest.raises(ChipwatchError, match="builds on 'russia'.*list .*russia before it"):
        build_store([SOURCES, REPO / "datasets" / "russia"], db)
    assert not db.exists()
    build_store([REPO / "datasets" / "russia", REPO / "datasets" / "reference", SOURCES], db)
    with Store(db) as store:
        got = store.con.execute("SELECT count(*) FROM claims WHERE dataset = 'sources-2022-2024'").fetchone()[0]
        held = store.con.execute("SELECT count(*) FROM sources WHERE dataset = 'sources-2022-2024'").fetchone()[0]
    assert got == len(load_dataset(SOURCES, claims=True).claims) and held == len(load_dataset(SOURCES).sources)
