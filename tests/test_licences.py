"""No GPL dependencies: every package chipwatch installs to run (its requirements, and
theirs, as installed) declares a licence, and at least one of its licences is not the GPL
or the AGPL (the LGPL, and a choice such as pyphen's GPL/LGPL/MPL, are allowed)."""

import re
from importlib import metadata

import pytest
from packaging.requirements import Requirement

COPYLEFT = re.compile(r"\b(A?GPL|GNU (Affero )?General Public License)", re.I)
LESSER = re.compile(r"\bLGPL|Lesser", re.I)


def runtime_closure(root: str = "chipwatch") -> dict[str, metadata.Distribution]:
    """The installed distributions `root` needs to run (no extras), by normalised name."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # a requirement for another platform or Python
        seen[key] = dist
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen


def licences(dist: metadata.Distribution) -> list[str]:
    """What a distribution says its licence is: the SPDX expression's choices, else the
    License field's first line, plus its trove classifiers."""
    m = dist.metadata
    out = []
    if expr := m.get("License-Expression"):
        out += [part.strip(" ()") for part in expr.split(" OR ")] if "(" not in expr else [expr]
    elif (raw := (m.get("License") or "").strip()) and raw.upper() != "UNKNOWN":
        out.append(raw.splitlines()[0])
    out += [c.split("::")[-1].strip() for c in m.get_all("Classifier") or [] if c.startswith("License ::")
            and c.strip() != "License :: OSI Approved"]
    return out


def test_no_runtime_dependency_is_gpl_only():
    closure = runtime_closure()
    if "chipwatch" not in closure:
        pytest.skip("chipwatch is not installed as a package (run make install)")
    assert {"duckdb", "rigour", "natasha"} <= set(closure)  # the walk reaches requirements of requirements
    unknown, gpl = [], []
    for name, dist in sorted(closure.items()):
        got = licences(dist)
        if not got:
            unknown.append(name)
        elif all(COPYLEFT.search(x) and not LESSER.search(x) for x in got):
            gpl.append(f"{name}: {got}")
    assert not unknown, f"declare no licence (check them by hand): {unknown}"
    assert not gpl, f"GPL-only dependencies: {gpl}"


def test_the_licence_reading_tells_gpl_from_lgpl_and_choices():
    class Fake:
        def __init__(self, **fields):
            self.metadata = _Meta(fields)

    assert licences(Fake(**{"License-Expression": "MPL-2.0 AND (Apache-2.0 OR MIT)"})) == ["MPL-2.0 AND (Apache-2.0 OR MIT)"]
    assert licences(Fake(**{"License-Expression": "GPL-3.0-only OR MIT"})) == ["GPL-3.0-only", "MIT"]
    gpl = licences(Fake(Classifier=["License :: OSI Approved :: GNU General Public License v3 (GPLv3)"]))
    assert all(COPYLEFT.search(x) and not LESSER.search(x) for x in gpl)
    lgpl = licences(Fake(**{"License-Expression": "LGPL-2.1-only"}))
    assert not all(COPYLEFT.search(x) and not LESSER.search(x) for x in lgpl)


class _Meta:
    def __init__(self, fields: dict):
        self.fields = fields

    def get(self, key, default=None):
        v = self.fields.get(key, default)
        return v if not isinstance(v, list) else v[0]

    def get_all(self, key):
        v = self.fields.get(key)
        return v if isinstance(v, list) else ([v] if v else None)
