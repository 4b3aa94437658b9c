"""Name resolution across scripts: Traditional, Simplified, Russian, English."""

import pytest
from conftest import assert_user_error, run_cli

from chipwatch.errors import ChipwatchError
from chipwatch.names import name_key, to_simplified


def test_name_keys():
    assert name_key("貝加爾電子") == name_key("贝加尔电子") == "贝加尔电子"
    assert name_key("JSC «MCST»") == name_key("jsc mcst")
    assert name_key("Ёлка") == name_key("елка")
    assert to_simplified("諾里爾斯克鎳業") == "诺里尔斯克镍业"


@pytest.mark.parametrize("name", ["貝加爾電子", "贝加尔电子", "Байкал Электроникс", "Baikal Electronics",
                                  "baikal electronics", "BAIKAL ELECTRONICS JSC", "baikal-electronics"])
def test_four_scripts_resolve_to_one_entity(cw, name):
    assert cw.resolve(name) == "baikal-electronics"


@pytest.mark.parametrize("name,entity", [("МЦСТ", "mcst"), ("АО «МЦСТ»", "mcst"), ("JSC MCST", "mcst"),
                                         ("米克朗", "mikron"), ("Микрон", "mikron"), ("中芯国际", "smic"),
                                         ("台積電", "tsmc"), ("諾鎳公司", "norilsk-nickel")])
def test_other_names_resolve(cw, name, entity):
    assert cw.resolve(name) == entity


def test_ambiguous_input_lists_candidates(cw):
    with pytest.raises(ChipwatchError, match="ambiguous") as info:
        cw.resolve("Baikal")
    assert "baikal-electronics" in str(info.value) and "baikal-m" in str(info.value)


def test_unknown_name(cw):
    with pytest.raises(ChipwatchError, match="no entity matches"):
        cw.resolve("Intel Corporation of Narnia")


def test_search_ranks_and_covers_scripts(cw):
    df = cw.search("安斯特雷姆")
    assert {"angstrom", "angstrom-t"} <= set(df.entity_id)
    assert df.iloc[0].score >= df.iloc[-1].score


def test_cli_show_and_search_in_any_script(russia_db):
    for name in ["貝加爾電子", "贝加尔电子", "Байкал Электроникс", "Baikal Electronics"]:
        r = run_cli("show", name, "--json", db=russia_db)
        assert r.code == 0, r
        assert '"id": "baikal-electronics"' in r.out
    r = run_cli("search", "贝加尔", db=russia_db)
    assert r.code == 0 and "baikal-electronics" in r.out
    assert_user_error(run_cli("show", "Baikal", db=russia_db), "ambiguous", "baikal-electronics", "baikal-m")
