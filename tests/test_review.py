"""The review queue: ingest -> list/show -> accept/edit/reject -> a dataset that validates."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import assert_user_error, run_cli

from chipwatch.dataset import load_dataset, validate
from chipwatch.errors import ChipwatchError
from chipwatch.ingest import ingest
from chipwatch.ingest.gazetteer import Gazetteer
from chipwatch.review import files as review_files
from chipwatch.review.accept import accept, edit, reject
from chipwatch.review.queue import find, items, queue_dir
from chipwatch.review.show import describe, parse_value
from chipwatch.review.together import validate_together

DATA = Path(__file__).parent / "data" / "ingest"


@pytest.fixture
def ds(tmp_path, monkeypatch) -> Path:
    """A copy of the fixture dataset, a shared folder beside it, and the three texts queued."""
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    monkeypatch.setenv("CHIPWATCH_SHARED", str(tmp_path / "shared"))
    root = tmp_path / "ds"
    shutil.copytree(DATA / "dataset", root)
    for name, sid in (("zh.txt", "fx-zh"), ("en.html", "fx-en"), ("ru.txt", "fx-ru")):
        ingest(DATA / name, root, sid, meta={"url": f"https://example.invalid/{name}", "kind": "press_release"})
    return root


def _cid(root: Path, source: str, predicate: str) -> str:
    return next(c.id for item in items(root) for c in item.candidates if c.source == source and c.predicate == predicate)


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root.parent)): p.read_bytes() for base in (root, queue_dir(root))
            for p in sorted(base.rglob("*")) if p.is_file()}


def test_queue_is_apart_from_the_dataset(ds):
    assert queue_dir(ds) == ds.parent / "ds.review"
    assert sorted(p.name for p in queue_dir(ds).iterdir()) == ["fx-en", "fx-ru", "fx-zh"]
    assert len(load_dataset(ds, claims=True).claims) == 1  # nothing accepted yet
    assert all(c.state == "pending" for item in items(ds) for c in item.candidates)
    with pytest.raises(ChipwatchError, match="already in the review queue"):
        ingest(DATA / "zh.txt", ds, "fx-zh")


def test_accept_writes_claims_that_validate(ds):
    claim, found = accept(ds, _cid(ds, "fx-en", "sanctioned_by"))
    accept(ds, _cid(ds, "fx-zh", "fabricates"), chapter="fabrication")
    loaded, report = validate_together(ds)
    assert report.ok, [str(p) for p in report.problems]
    assert report.quotes_checked == 2  # both quotes checked verbatim against the texts the dataset holds
    written = yaml.safe_load((ds / "claims" / "ingested.yaml").read_text(encoding="utf-8"))
    assert written == [{"id": "mikron-sanctioned-by-ofac-fx-en", "subject": "mikron", "predicate": "sanctioned_by",
                        "object": "ofac", "valid_from": "2022-02-24", "status": "fact",
                        "evidence": [{"source": "fx-en", "locator": "¶2 s1",
                                      "quote": "On February 24, 2022, OFAC designated Mikron."}]}]
    fab = yaml.safe_load((ds / "claims" / "fabrication.yaml").read_text(encoding="utf-8"))[-1]
    assert fab["qualifiers"] == {"node_nm": 28} and fab["subject"] == "tsmc"
    src = {s.id: s for s in loaded.sources}["fx-en"]
    assert (src.url, src.kind, src.held) == ("https://example.invalid/en.html", "press_release", "texts/fx-en.txt")
    assert (ds / "texts" / "fx-en.txt").read_text(encoding="utf-8") == (queue_dir(ds) / "fx-en" / "text.txt").read_text(encoding="utf-8")
    assert find(ds, _cid(ds, "fx-en", "sanctioned_by"))[1].state == "accepted"
    assert claim.id == "mikron-sanctioned-by-ofac-fx-en" and found == []
    with pytest.raises(ChipwatchError, match="accepted already"):
        accept(ds, _cid(ds, "fx-en", "sanctioned_by"))


def test_sources_that_disagree_stay_side_by_side(ds):
    cid = _cid(ds, "fx-zh", "process_range")
    assert describe(ds, cid)["disagrees_with"] == [
        "mikron process_range: candidate says 65–250 nm (fx-zh, ¶1 s1); "
        "mikron-process-range-fixture says 90–180 nm (fixture-note, fixture)"]
    claim, found = accept(ds, cid, disputed=True)
    assert claim.status == "disputed" and [d.old.id for d in found] == ["mikron-process-range-fixture"]
    assert claim.note == "the source states it as speculated (據推測); marked disputed on review"
    ranges = {c.id: c for c in load_dataset(ds, claims=True).claims if c.predicate == "process_range"}
    assert set(ranges) == {"mikron-process-range-fixture", claim.id}  # both stay


def test_new_entities_are_never_created_silently(ds):
    cid = _cid(ds, "fx-ru", "agreement_with")
    before = _snapshot(ds)
    with pytest.raises(ChipwatchError, match="proposes new entities ooo-novyy-zavod"):
        accept(ds, cid)
    assert _snapshot(ds) == before
    accept(ds, cid, create_entities=True)
    loaded = load_dataset(ds, claims=True)
    assert {e.id: e.names for e in loaded.entities}["ooo-novyy-zavod"] == {"ru": "ООО «Новый Завод»"}
    assert validate(loaded).ok


def test_edit_and_reject(ds):
    cid = _cid(ds, "fx-ru", "agreement_with")
    edit(ds, cid, {"object": "nitol"})  # the reviewer points it at a known entity instead
    c = find(ds, cid)[1]
    assert c.object == "nitol" and c.new_entities == []
    with pytest.raises(ChipwatchError, match="never the quote"):
        edit(ds, cid, {"quote": "something else"})
    claim, _ = accept(ds, cid)
    assert claim.object == "nitol"
    other = _cid(ds, "fx-en", "capacity")
    reject(ds, other, "a fixture figure")
    assert (find(ds, other)[1].state, find(ds, other)[1].note) == ("rejected", "a fixture figure")
    with pytest.raises(ChipwatchError, match="only pending"):
        accept(ds, other)
    assert parse_value("65-250") == {"min": 65, "max": 250} and parse_value("5,000") == 5000 and parse_value("6N") == "6N"


def test_a_claim_that_would_not_validate_writes_nothing(ds):
    cid = _cid(ds, "fx-zh", "produces")
    edit(ds, cid, {"subject": "no-such-entity"})
    before = _snapshot(ds)
    with pytest.raises(ChipwatchError, match="would not validate: unknown entity 'no-such-entity'"):
        accept(ds, cid)
    assert _snapshot(ds) == before and not (ds / "texts").exists()


def test_a_tampered_quote_is_refused(ds):
    cid = _cid(ds, "fx-zh", "designs")
    path = queue_dir(ds) / "fx-zh" / "candidates.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("推出 Baikal-M", "設計 Baikal-M"), encoding="utf-8")
    with pytest.raises(ChipwatchError, match="quote is not verbatim"):
        accept(ds, cid)


def test_a_failure_half_way_leaves_files_as_they_were(ds, monkeypatch):
    before = _snapshot(ds)
    real = review_files.os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 3:  # the held text and the claims file moved, then the disk is full
            raise OSError(28, "No space left on device")
        real(src, dst)

    cid = _cid(ds, "fx-en", "sanctioned_by")
    monkeypatch.setattr(review_files.os, "replace", flaky)
    with pytest.raises(OSError):
        accept(ds, cid)
    monkeypatch.setattr(review_files.os, "replace", real)
    after = _snapshot(ds)
    assert after == before  # the held text written first is taken back, no temporary files stay
    accept(ds, cid)  # and the same accept then goes through
    assert validate(load_dataset(ds, claims=True)).ok


def test_cli_round_trip(tmp_path):
    env = {"CHIPWATCH_SHARED": str(tmp_path / "shared")}
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    root = tmp_path / "ds"
    shutil.copytree(DATA / "dataset", root)
    r = run_cli("ingest", str(DATA / "zh.txt"), "--source-id", "fx-zh", "--dataset", str(root), "--json", env=env)
    assert r.code == 0, r
    got = json.loads(r.out)[0]
    assert (got["sentences"], len(got["candidates"])) == (3, 4)
    r = run_cli("review", "list", "--dataset", str(root), "--json", env=env)
    first = next(c for c in json.loads(r.out) if c["predicate"] == "process_range")["id"]
    r = run_cli("review", "accept", first, "--dataset", str(root), env=env)
    assert r.code == 0 and "disagrees: mikron process_range" in r.err, r
    r = run_cli("validate", str(root), env=env)
    assert r.code == 0 and "1 quotes checked verbatim" in r.out, r
    assert_user_error(run_cli("review", "accept", "fx-zh-9999", "--dataset", str(root), env=env),
                      "no candidate 'fx-zh-9999'")
    assert_user_error(run_cli("ingest", str(tmp_path / "absent.txt"), "--source-id", "x", "--dataset", str(root), env=env),
                      "no such file")
    r = run_cli("ingest", "-", "--source-id", "stdin-en", "--dataset", str(root), "--lang", "en", env=env)
    assert r.code == 0 and "stdin-en (en): 0 sentences" in r.out, r


def test_precision_and_recall_against_accepted_claims(ds):
    from chipwatch.ingest.evaluate import evaluate

    accept(ds, _cid(ds, "fx-zh", "process_range"), chapter="gold")
    accept(ds, _cid(ds, "fx-zh", "designs"), chapter="gold")
    score = evaluate(ds, "fx-zh", ["gold"])
    # two annotated sentences; the second also yields the fabricates claim no one annotated
    assert (score.sentences, score.gold, score.proposed, score.right, score.found) == (2, 2, 3, 2, 2)
    assert (round(score.precision, 3), score.recall) == (0.667, 1.0)


def test_a_folder_is_one_source_per_file(ds, tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(DATA / "zh.txt", folder / "Note One.txt")
    shutil.copy(DATA / "en.html", folder / "release.html")
    (folder / "skip.bin").write_bytes(b"\x00")
    done = ingest(folder, ds, "inbox")
    assert [d.result.source for d in done] == ["inbox-note-one", "inbox-release"]
    assert {i.source["id"] for i in items(ds)} >= {"inbox-note-one", "inbox-release"}
    with pytest.raises(ChipwatchError, match="already in .*sources.yaml"):
        ingest(DATA / "zh.txt", ds, "fixture-note")


def test_a_broken_queue_file_is_one_line(ds):
    path = queue_dir(ds) / "fx-zh" / "candidates.yaml"
    path.write_text("- {id: x, colour: red}\n", encoding="utf-8")
    with pytest.raises(ChipwatchError, match=r"candidates.yaml:1: unknown candidate field\(s\) colour"):
        items(ds)
    path.write_text("- {id: x}\n", encoding="utf-8")
    with pytest.raises(ChipwatchError, match="candidate lacks locator, pattern, predicate, quote, source, subject"):
        items(ds)
    path.write_text("- just text\n", encoding="utf-8")
    with pytest.raises(ChipwatchError, match="a candidate is a mapping"):
        items(ds)


def test_cli_ingest_with_the_store_name_index(tmp_path):
    env = {"CHIPWATCH_SHARED": str(tmp_path / "shared")}
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    root, db = tmp_path / "ds", tmp_path / "cw.duckdb"
    shutil.copytree(DATA / "dataset", root)
    assert run_cli("build", str(root), db=db, env=env).code == 0
    r = run_cli("ingest", str(DATA / "en.html"), "--source-id", "fx-en", "--dataset", str(root), "--from-store", "--json",
                db=db, env=env)
    assert r.code == 0, r
    assert {c["pattern"] for c in json.loads(r.out)[0]["candidates"]} == {
        "en-designated", "en-fabricated-by", "en-produces", "en-capacity"}
    assert_user_error(run_cli("ingest", str(DATA / "en.html"), "--source-id", "fx-en2", "--dataset", str(root),
                              "--from-store", db=tmp_path / "absent.duckdb", env=env), "no store here")


def test_conflicts_of_a_dataset(ds):
    from chipwatch.review.conflicts import all_disagreements

    accept(ds, _cid(ds, "fx-zh", "process_range"))
    found = all_disagreements(load_dataset(ds, claims=True).claims)
    assert [(d.new.id, d.old.id, d.what) for d in found] == [
        ("mikron-process-range-65-250-fx-zh", "mikron-process-range-fixture", "value")]
    r = run_cli("review", "conflicts", "--dataset", str(ds), "--json")
    assert r.code == 0 and json.loads(r.out)[0]["claims"] == ["mikron-process-range-65-250-fx-zh", "mikron-process-range-fixture"], r


def test_what_counts_as_a_disagreement():
    from chipwatch.model.records import Claim
    from chipwatch.review.conflicts import disagreements

    ev = [{"source": "s", "locator": "l", "quote": "q"}]

    def cap(cid, value, unit="wafer_200mm/month", **kw):
        return Claim(id=cid, subject="mikron", predicate="capacity", value=value, unit=unit, evidence=ev, **kw)

    five = cap("five", 5000)
    assert [d.old.id for d in disagreements(cap("six", 6000), [five])] == ["five"]
    assert disagreements(cap("same", 2222.22, "wafer_300mm/month"), [five]) == []  # the same, in 300 mm wafers
    assert disagreements(cap("target", 8000, status="planned"), [five]) == []  # a target is no contradiction
    assert disagreements(cap("later", 6000, valid_from="2024"), [cap("earlier", 5000, valid_from="2022")]) == []
    node = Claim(id="n65", subject="mikron", predicate="process_node", value=65, unit="nm", evidence=ev)
    plan = Claim(id="p65", subject="mikron", predicate="process_node", value=65, unit="nm", status="planned", evidence=ev)
    assert [(d.old.id, d.what) for d in disagreements(plan, [node])] == [("n65", "status")]  # done, or only planned?
    uses = [Claim(id=f"u{i}", subject="neon", predicate="used_for", value=v, evidence=ev) for i, v in enumerate(["lasers", "chips"])]
    assert disagreements(uses[1], uses[:1]) == []  # a text value is one of many, not a figure


def _second(tmp_path: Path) -> tuple[Path, Path]:
    """A base dataset and a second one that builds on it (names its entities, holds its texts)."""
    base, second = tmp_path / "base", tmp_path / "second"
    shutil.copytree(DATA / "dataset", base)
    (second / "claims").mkdir(parents=True)
    (second / "dataset.yaml").write_text("id: second\ntitle: second sources\nlanguage: en\nbuilds_on: [base]\n", encoding="utf-8")
    (second / "entities.yaml").write_text("- id: bis\n  type: state_body\n  country: US\n  names: {en: BIS}\n", encoding="utf-8")
    (second / "sources.yaml").write_text("[]\n", encoding="utf-8")
    (second / "claims" / "export-controls.yaml").write_text("[]\n", encoding="utf-8")
    return base, second


def test_a_second_dataset_names_the_entities_of_the_one_it_builds_on(tmp_path, monkeypatch):
    monkeypatch.delenv("CHIPWATCH_SHARED", raising=False)
    monkeypatch.chdir(tmp_path)  # no shared folder anywhere: the dataset's own texts are enough
    base, second = _second(tmp_path)
    text = tmp_path / "release.txt"
    text.write_text("The Commerce Department added Mikron to the Entity List.\n\nTreasury designated Nitol.\n", encoding="utf-8")
    done = ingest(text, second, "release", meta={"kind": "press_release"})
    got = {(c.subject, c.object): c.id for c in done[0].result.candidates}
    assert set(got) == {("mikron", "bis"), ("nitol", "ofac")}  # Commerce and Treasury by their aliases
    claim, _ = accept(second, got[("nitol", "ofac")], chapter="export-controls")
    src = {s.id: s for s in load_dataset(second).sources}["release"]
    assert src.held == "texts/release.txt" and (second / src.held).is_file()
    ds, report = validate_together(second)
    assert report.ok and report.quotes_checked == 1, [str(p) for p in report.problems]
    assert not validate(load_dataset(second)).ok  # alone, 'nitol' and 'ofac' are unknown
    r = run_cli("validate", str(second))
    assert r.code == 0 and "1 quotes checked verbatim" in r.out, r
    (second / "dataset.yaml").write_text("id: second\ntitle: t\nlanguage: en\nbuilds_on: [absent]\n", encoding="utf-8")
    assert_user_error(run_cli("validate", str(second)), "builds_on 'absent': no dataset folder")


def test_review_commands_need_the_dataset_said(tmp_path):
    for args in (("review", "accept", "x-0001"), ("review", "list"), ("review", "reject", "x-0001"),
                 ("ingest", str(DATA / "zh.txt"), "--source-id", "x")):
        r = run_cli(*args, cwd=tmp_path)
        assert_user_error(r, "give --dataset DIR")
        assert len(r.err.strip().splitlines()) == 1, r


def test_precision_and_recall_on_an_annotated_text(tmp_path):
    from chipwatch.ingest.evaluate import evaluate_annotated

    (tmp_path / "t.txt").write_text("OFAC designated Mikron. Nitol produces polysilicon. Mikron makes Baikal-M.\n", encoding="utf-8")
    (tmp_path / "t.yaml").write_text(
        "language: en\nfile: t.txt\nclaims:\n"
        "  - {sentence: OFAC designated Mikron., subject: mikron, predicate: sanctioned_by, object: ofac}\n"
        "  - {sentence: Nitol produces polysilicon., subject: nitol, predicate: produces, object: polysilicon}\n"
        "  - {sentence: Mikron makes Baikal-M., subject: mikron, predicate: fabricates, object: baikal-m}\n", encoding="utf-8")
    gaz = Gazetteer.from_entities(load_dataset(DATA / "dataset").entities)
    s = evaluate_annotated(tmp_path / "t.yaml", gaz)
    assert (s.sentences, s.gold, s.found, s.read) == (3, 3, 2, 3)  # "makes" is no fabricates pattern
    assert s.proposed >= s.right == 2 and s.recall == 2 / 3 and s.rate > 0
    (tmp_path / "bad.yaml").write_text("language: en\nfile: t.txt\nclaims:\n  - {sentence: Not there., subject: a, predicate: b}\n",
                                       encoding="utf-8")
    with pytest.raises(ChipwatchError, match=r"claims\[0\]: sentence is not in the text"):
        evaluate_annotated(tmp_path / "bad.yaml", gaz)


def test_a_claim_the_patterns_missed_is_added_by_hand_with_its_quote(tmp_path, monkeypatch):
    from chipwatch.review.add import add

    monkeypatch.chdir(tmp_path)
    _, second = _second(tmp_path)
    (second / "claims" / "export-controls.yaml").write_text("# claims on review\n[]\n", encoding="utf-8")
    text = tmp_path / "rule.txt"
    text.write_text("Background.\n\nThe rule adds entities. It names Nitol as a supplier of Mikron.\n", encoding="utf-8")
    assert ingest(text, second, "rule")[0].result.candidates == []
    with pytest.raises(ChipwatchError, match="not verbatim in the text of 'rule'"):
        add(second, "rule", "It names Nitol as the supplier", {"subject": "nitol", "predicate": "supplies", "object": "mikron"})
    with pytest.raises(ChipwatchError, match="no source 'absent' in the review queue"):
        add(second, "absent", "x", {"subject": "nitol", "predicate": "supplies"})
    c = add(second, "rule", "It names  Nitol as a supplier of Mikron.", {"subject": "nitol", "predicate": "supplies", "object": "mikron"})
    assert (c.id, c.locator, c.pattern, c.state) == ("rule-0001", "¶2 s2", "by-hand", "pending")
    claim, _ = accept(second, c.id, chapter="export-controls")
    written = (second / "claims" / "export-controls.yaml").read_text(encoding="utf-8")
    assert written.startswith("# claims on review\n- id: nitol-supplies-mikron-rule\n")  # the empty list goes, comments stay
    _, report = validate_together(second)
    assert report.ok and report.quotes_checked == 1
    r = run_cli("review", "add", "rule", "--dataset", str(second), "--quote", "The rule adds entities.",
                "--subject", "nitol", "--predicate", "supplies", "--object", "mikron")
    assert r.code == 0 and "queued rule-0002 (¶2 s1)" in r.out, r


def test_show_puts_claims_that_disagree_side_by_side(tmp_path):
    db = tmp_path / "cw.duckdb"
    assert run_cli("build", str(Path(__file__).parent / "data" / "disagree"), db=db).code == 0
    r = run_cli("show", "Fab X", "--json", db=db)
    assert r.code == 0, r
    found = json.loads(r.out)["disagreements"]
    pairs = {(d["what"], frozenset(s["claim"] for s in d["sides"])) for d in found}
    assert pairs == {("value", frozenset({"fab-x-capacity-6000", "fab-x-capacity-5000"})),
                     ("value", frozenset({"fab-x-capacity-2222-in-300mm", "fab-x-capacity-6000"})),  # 2,222 300-mm = 5,000 200-mm
                     ("value", frozenset({"fab-x-process-range-b", "fab-x-process-range-a"}))}
    nodes = next(d for d in found if d["predicate"] == "process_range")
    assert sorted((s["says"], s["valid_from"], s["evidence"][0]["source"], s["evidence"][0]["date"], s["evidence"][0]["quote"])
                  for s in nodes["sides"]) == [("65–250 nm", "2023", "note-a", "2023-05", "Fab X works from 250 nm to 65 nm."),
                                               ("90–180 nm", "2023", "note-b", "2024-02-01", "Fab X works from 180 nm to 90 nm.")]
    text = run_cli("show", "fab-x", db=db)
    assert text.code == 0 and text.out.count("Sources disagree (value)") == 3, text
    assert "note-a (2023-05): Fixture note A" in text.out and "“Fab X works from 180 nm to 90 nm.” (¶1)" in text.out
    assert json.loads(run_cli("show", "nitol", "--json", db=db).out)["disagreements"] == []
    assert "Sources disagree" not in run_cli("show", "nitol", db=db).out
