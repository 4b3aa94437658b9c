"""Accepting, editing and rejecting candidates: an accepted candidate becomes a claim in the
dataset's YAML (validated first, with its quote checked against the text we hold), its
source is added to `sources.yaml` and its text kept in `texts/` (the source's `held` path is
relative to the dataset folder); a new entity it proposes is written only when the reviewer
says so. Claims may name entities of other datasets built with this one (`known`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from chipwatch.dataset import Validator, load_dataset
from chipwatch.dataset.held import find_shared, squash
from chipwatch.errors import ChipwatchError
from chipwatch.ingest.pipeline import Candidate, slug
from chipwatch.model.records import Claim, Entity, Source
from chipwatch.review.conflicts import Disagreement, disagreements
from chipwatch.review.files import appended, write_all
from chipwatch.review.queue import Item, find
from chipwatch.review.together import known_entities, with_datasets

EDITABLE = ("subject", "predicate", "object", "value", "unit", "valid_from", "status", "qualifiers")


def _claim_id(c: Candidate, taken: set[str]) -> str:
    what = c.object or (slug(str(c.value.get("min", "")) + "-" + str(c.value.get("max", ""))) if isinstance(c.value, dict)
                        else slug(str(c.value)) if c.value is not None else "")
    base = re.sub(r"-+", "-", f"{c.subject}-{c.predicate.replace('_', '-')}-{what}-{c.source}".lower()).strip("-")
    cid, n = base, 2
    while cid in taken:
        cid, n = f"{base}-{n}", n + 1
    return cid


def claim_record(c: Candidate, claim_id: str) -> dict:
    """The claim as the dataset writes it (only the fields that carry something)."""
    rec: dict[str, Any] = {"id": claim_id, "subject": c.subject, "predicate": c.predicate}
    for key in ("object", "value", "unit"):
        if getattr(c, key) is not None:
            rec[key] = getattr(c, key)
    if c.qualifiers:
        rec["qualifiers"] = dict(c.qualifiers)
    if c.valid_from:
        rec["valid_from"] = str(c.valid_from)
    rec["status"] = c.status
    rec["evidence"] = [{"source": c.source, "locator": c.locator, "quote": c.quote}]
    return rec


HELD_DIR = "texts"


def _held(ds_root: Path, item: Item) -> tuple[Path, str, str]:
    """Where the source's text goes in the dataset, its `held` path (relative to the dataset
    folder) and its sha256."""
    target = ds_root.resolve() / HELD_DIR / f"{item.source['id']}.txt"
    data = item.text_path.read_bytes()
    return target, f"{HELD_DIR}/{target.name}", hashlib.sha256(data).hexdigest()


def _problems(v: Validator) -> str:
    return "; ".join(p.message for p in v.report.problems[:3])


def accept(dataset: Path, candidate_id: str, chapter: str = "ingested", create_entities: bool = False,
           disputed: bool = False, extra: list[Path] | None = None) -> tuple[Claim, list[Disagreement]]:
    """Write one candidate into the dataset as a claim; returns it and the claims it disagrees
    with (in this dataset and in those it is built with: its `builds_on` and `extra`)."""
    item, cand = find(dataset, candidate_id)
    if cand.state != "pending":
        raise ChipwatchError(f"candidate {candidate_id} is {cand.state} already; only pending candidates can be accepted")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", chapter):
        raise ChipwatchError(f"--chapter {chapter!r}: not a file name; use lowercase letters, digits, '-' or '_'")
    root = Path(dataset)
    ds = load_dataset(root, claims=True)
    together = with_datasets(root, extra)
    known = known_entities(together)
    others = [c for d in together for c in load_dataset(d, claims=True).claims]
    entities = {e.id for e in ds.entities} | set(known)
    new_entities = [e for e in cand.new_entities if e["id"] not in entities]
    if new_entities and not create_entities:
        shown = ", ".join(f"{e['id']} ({e['type']}, {e['name']!r})" for e in new_entities)
        raise ChipwatchError(f"candidate {candidate_id} proposes new entities {shown}; accept with --create-entities to "
                             f"add them to entities.yaml, or `chipwatch review edit {candidate_id} --object ID`")
    text_target, held, sha = _held(root, item)
    source_new = item.source["id"] not in {s.id for s in ds.sources}
    try:
        source = Source(**{**item.source, "held": held, "sha256": sha})
        ents = [Entity(id=e["id"], type=e["type"], names={_lang(e, source.language): e["name"]}) for e in new_entities]
        status = "disputed" if disputed else cand.status
        record = claim_record(replace(cand, status=status), _claim_id(cand, {c.id for c in ds.claims}))
        if disputed and cand.status not in ("fact", "disputed"):
            record["note"] = f"the source states it as {cand.status}{f' ({cand.cue})' if cand.cue else ''}; marked disputed on review"
        claim = Claim(**record)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise ChipwatchError(f"candidate {candidate_id}: field '{'.'.join(map(str, err['loc']))}': {err['msg']}; "
                             f"fix it with `chipwatch review edit {candidate_id}`") from None
    wrote_text, new_dir = not text_target.exists(), not text_target.parent.exists()
    if wrote_text:
        write_all({text_target: item.text_path.read_text(encoding="utf-8")})
    try:
        check = replace(ds, sources=[*ds.sources, *([source] if source_new else [])], entities=[*ds.entities, *ents])
        v = Validator(check, shared=find_shared(root), known=known)
        if source_new:
            v.source(source)
        for e in ents:
            v.entity(e)
        v.claims([claim])
        if v.report.problems:
            raise ChipwatchError(f"candidate {candidate_id} would not validate: {_problems(v)}; "
                                 f"fix it with `chipwatch review edit {candidate_id}` or reject it")
        if squash(cand.quote) not in squash(text_target.read_text(encoding="utf-8")):
            raise ChipwatchError(f"candidate {candidate_id}: quote is not verbatim in the text of '{cand.source}': "
                                 f"{cand.quote[:40]!r}…; the queue was changed by hand: re-run chipwatch ingest")
        found = disagreements(claim, [*ds.claims, *others])
        texts = {ds.root / "claims" / f"{chapter}.yaml": appended(ds.root / "claims" / f"{chapter}.yaml",
                                                                  [record])}
        if source_new:
            texts[ds.root / "sources.yaml"] = appended(ds.root / "sources.yaml", [source.model_dump(exclude_none=True)])
        if ents:
            texts[ds.root / "entities.yaml"] = appended(ds.root / "entities.yaml", [e.model_dump(exclude_defaults=True) for e in ents])
        for path, text in texts.items():
            if not isinstance(yaml.safe_load(text), list):  # what the loader will read back: a list of records
                raise ChipwatchError(f"{path}: adding the claim would not leave a YAML list of records; fix the file by hand")
        cand.state, cand.claim_id = "accepted", claim.id
        item.save(texts)
    except BaseException:
        if wrote_text:
            text_target.unlink(missing_ok=True)
            if new_dir:
                text_target.parent.rmdir()
        cand.state, cand.claim_id = "pending", None
        raise
    return claim, found


def _lang(entity: dict, source_lang: str) -> str:
    return {"zh": source_lang if source_lang.startswith("zh") else "zh-Hant", "ru": "ru"}.get(entity.get("lang", ""), "en")


def reject(dataset: Path, candidate_id: str, reason: str | None = None) -> Candidate:
    item, cand = find(dataset, candidate_id)
    if cand.state == "accepted":
        raise ChipwatchError(f"candidate {candidate_id} was accepted as claim {cand.claim_id}; remove the claim from the dataset instead")
    cand.state, cand.note = "rejected", reason
    item.save()
    return cand


def edit(dataset: Path, candidate_id: str, changes: dict[str, Any]) -> Candidate:
    """Change what a pending candidate says (never its quote, locator or source)."""
    item, cand = find(dataset, candidate_id)
    if cand.state != "pending":
        raise ChipwatchError(f"candidate {candidate_id} is {cand.state}; only pending candidates can be edited")
    for key, val in changes.items():
        if key not in EDITABLE:
            raise ChipwatchError(f"cannot edit '{key}' of a candidate; editable: {', '.join(EDITABLE)} (never the quote)")
        setattr(cand, key, val)
        if key == "object":
            cand.new_entities = [e for e in cand.new_entities if e["id"] == val]
    item.save()
    return cand
