"""The quick fuzz profile run by `make test`: a few hundred mutated cases per importer and
loader (`make fuzz` runs 100,000). Fails with the first case of each distinct failure,
saved under the test's tmp_path."""

from __future__ import annotations

import os

import fuzzlib
import pytest

SCALE = float(os.environ.get("CHIPWATCH_FUZZ_SCALE", "1"))  # 0.2 for a quicker look, 10 for a longer one


@pytest.mark.parametrize("name", list(fuzzlib.TARGETS))
def test_no_traceback_no_hang(name, tmp_path):
    target = fuzzlib.TARGETS[name]
    stats = fuzzlib.run(target, max(1, int(target.quick * SCALE)), seed=1, timeout=20.0)
    stats.save(tmp_path)
    found = [f"{sig}: {failure.detail.strip().splitlines()[-1][:200]}" for sig, (failure, _) in stats.first.items()]
    assert not found, f"{stats.tracebacks} tracebacks, {stats.hangs} hangs in {stats.cases} cases (saved in {tmp_path}): {found}"


@pytest.mark.parametrize("name", list(fuzzlib.TARGETS))
def test_every_seed_reads_cleanly(name, tmp_path):
    """The unmutated seeds are valid input: mutations start from files the importer accepts."""
    target = fuzzlib.TARGETS[name]
    for i, seed in enumerate(target.seeds()):
        folder = tmp_path / str(i)
        assert fuzzlib.check(target, folder, seed, timeout=20.0) is None
        target.call(folder)
