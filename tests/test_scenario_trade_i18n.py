"""The sentences the scenario and trade modules write, said in Traditional Chinese: no run of
three or more Latin-script words outside proper names, codes (claim ids, assumption names,
HS/CN codes) and quotes; the same sentences in English as before; every label in both languages."""

from __future__ import annotations

import re

import pytest

from chipwatch.i18n import _part
from chipwatch.i18n.message import Msg, say

QUOTED = re.compile(r"「[^」]*」|“[^”]*”|\"[^\"]*\"|`[^`]*`")
# a code: a token with a digit, a dot, a slash, an underscore or an inner hyphen (claim ids,
# assumption names, HS/CN codes, 40 nm), or all capitals (SMIC, FOB, USD)
CODE = re.compile(r"(?<![\w/.-])(?=[\w./>-]*[0-9./_>]|[a-z0-9]+-[\w-]+|[A-Z0-9]{2,}\b)[\w./>+-]+")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z'’]*(?:[ \t]+[A-Za-z][A-Za-z'’]*){2,}")


def english_runs(text: str, names: list[str] = ()) -> list[str]:
    """Runs of three or more Latin-script words in `text`, once quotes, the proper `names`
    given (longest first) and codes are taken out."""
    text = QUOTED.sub("□", text)
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, "□")
    text = CODE.sub("□", text)
    return LATIN_RUN.findall(text)


def test_the_checker_finds_english_and_spares_names_codes_quotes():
    assert english_runs("米克朗的設備限制其產出") == []
    assert english_runs("tools at Mikron limit its output") == ["tools at Mikron limit its output"]
    assert english_runs("來自 NAURA Technology Group 的設備", ["NAURA Technology Group"]) == []
    assert english_runs("陳述 mikron-capacity-5000-wafers-month；假設 coverage.tools/russia/china") == []
    assert english_runs("背景：「world neon output」的 45%") == []
    assert english_runs("HS 8542 與 CN8 85423190 的出口 EUR") == []
    assert english_runs("所屬 wafers per month 的限制") == ["wafers per month"]


def test_every_scenario_and_trade_label_has_both_languages():
    for stem in ("scenario", "trade"):
        labels = _part(stem)
        assert labels, stem
        for key, text in labels.items():
            assert key.startswith(stem + "."), key
            assert text["en"].strip() and text["zh-TW"].strip(), key
            # the same placeholders in both languages
            assert set(re.findall(r"{(\w+)", text["en"])) == set(re.findall(r"{(\w+)", text["zh-TW"])), key
            assert not english_runs(text["zh-TW"]), (key, text["zh-TW"])


# -- scenarios ---------------------------------------------------------------------------------------

SCENARIOS = ["baseline", "smic-stops", "tsmc-exit-2022", "gray-channel-closed", "ruble-minus-30",
             "chinese-refining-stops", "no-chinese-equipment"]


@pytest.fixture(scope="module")
def scenario_results(cw):
    from chipwatch.scenarios import load_scenario, run_scenario

    return {name: run_scenario(cw, load_scenario(name), draws=60, seed=3) for name in SCENARIOS}


@pytest.fixture(scope="module")
def proper_names(cw) -> list[str]:
    """Every entity's names in the store (said as the data gives them, never translated)."""
    rows = cw.store.con.execute("SELECT label_en, label_zh FROM entities").fetchall()
    return [n for row in rows for n in row if n]


def scenario_msgs(res: dict) -> list[tuple[str, Msg, str]]:
    """(where, Msg, English text it stands beside) for every sentence of a result with a `msg`."""
    out = []
    point, mc = res["point"], res.get("montecarlo") or {}
    for part, items in (("limits", point["limits"]), ("binding", mc.get("binding", []))):
        out += [(part, d["msg"], d["text"]) for d in items]
    for u in point["unmet"]:
        out += [("unmet", m, t) for m, t in zip(u["route_msgs"], u["routes"], strict=True)]
    out += [("figures", f["msg"], f["used_as"]) for f in res["figures"]]
    net = res["network"]
    out += [("notes", m, t) for m, t in zip(net["note_msgs"], net["notes"], strict=True)]
    return out


def test_scenario_sentences_in_chinese_have_no_english(scenario_results, proper_names):
    seen = 0
    for name, res in scenario_results.items():
        for where, msg, _ in scenario_msgs(res):
            zh = say(msg, "zh-TW")
            assert not english_runs(zh, proper_names), (name, where, zh)
            seen += 1
    assert seen > 100  # every scenario says something about limits, figures and notes


def test_scenario_sentences_in_english_are_the_text_fields(scenario_results):
    for res in scenario_results.values():
        for where, msg, text in scenario_msgs(res):
            assert say(msg, "en") == text, where
    limits = scenario_results["ruble-minus-30"]["point"]["limits"]
    budget = next(d for d in limits if d["kind"] == "budget")
    assert "Russian Ruble -30%" in budget["text"] and "俄羅斯盧布 -30%" in say(budget["msg"], "zh-TW")


def test_units_and_names_are_words_not_ids(scenario_results):
    res = scenario_results["baseline"]
    figures = {f["claim"]: f for f in res["figures"]}
    capacity = figures["mikron-capacity-5000-wafers-month"]
    assert capacity["used_as"] == "capacity of Mikron: 5,000 wafers (200 mm) a month"
    assert say(capacity["msg"], "zh-TW") == "米克朗產能：每月 5,000 片 8 吋晶圓"
    for res in scenario_results.values():
        for _, msg, text in scenario_msgs(res):
            assert "wafer_200mm" not in text and "wafer_200mm" not in say(msg, "zh-TW")


def test_scenario_result_as_text_in_chinese(scenario_results, proper_names):
    from chipwatch.scenarios import render_result

    for name, res in scenario_results.items():
        zh = render_result(res, "zh-TW")
        assert "各產品需求滿足率" in zh and "限制供給的因素" in zh, name
        en = render_result(res, "en")
        assert "Demand met by product" in en and "What limits you" in en, name
        # every line: generated sentences, the interventions and the scenario file's reasons
        # (its why_zh) say nothing in English; the quotes after a claim id are the article's
        for line in zh.splitlines():
            assert not english_runs(line, proper_names), (name, line)
    zh = render_result(scenario_results["tsmc-exit-2022"], "zh-TW")
    assert "移除台積電——台積電跟進西方制裁" in zh
    assert "demand.baikal-m = 15–60，眾數 30（三角分布） 片／月（8 吋晶圓）——Baikal-M 主要供應政府機關" in zh


def test_every_bundled_reason_has_chinese():
    from chipwatch.scenarios import bundled_names, load_scenario

    for name in bundled_names():
        sc = load_scenario(name)
        parts = [*sc.assumptions, *sc.assumed_arcs, *sc.assumed_sources, *sc.remove, *sc.close_channels,
                 *sc.capacity_multipliers, *sc.cost_shocks, *sc.floors, sc.probabilities, sc.objective]
        for part in parts:
            if part.why:
                assert part.why_zh and part.reason("zh-TW") == part.why_zh and part.reason("en") == part.why, (name, part)
                assert not english_runs(part.why_zh), (name, part.why_zh)


# -- trade ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def trade_db(russia_db, tmp_path_factory):
    """The bundled store with the synthetic EU exports and Kazakhstan's imports (test_trade's fixture data)."""
    import shutil

    from test_trade import synthetic_csvs

    from chipwatch.trade.store import import_trade

    folder = tmp_path_factory.mktemp("trade-i18n")
    db = folder / "store.duckdb"
    shutil.copyfile(russia_db, db)
    synthetic_csvs(folder / "csv")
    import_trade(db, "eurostat-csv", folder / "csv")
    return db


@pytest.fixture(scope="module")
def trade_results(trade_db):
    from chipwatch.trade.breaks import breaks
    from chipwatch.trade.engine import FlowEngine
    from chipwatch.trade.mirror import mirror
    from chipwatch.trade.spikes import spikes

    with FlowEngine.for_store(trade_db) as eng:
        return spikes(eng, "TOTAL", "RU", origin="EU27"), mirror(eng, "KZ", "EU27"), breaks(eng, "TOTAL")


def trade_msgs(trade_results) -> list[tuple[str, Msg]]:
    from chipwatch.trade.breaks import to_dicts

    s, m, b = trade_results
    d, md = s.to_dict(), m.to_dict()
    out = [("spikes", d["msg"])] + [("partner", p["msg"]) for p in d["partners"]]
    out += [("trend", p["trend_msg"]) for p in d["partners"]]
    out += [("mirror", x) for x in md["msgs"]] + [("flag", y["flag_msg"]) for y in md["years"]]
    out += [("break", x["msg"]) for x in to_dicts(b)]
    return out


def test_trade_findings_in_both_languages(trade_results):
    said = {where: [] for where, _ in trade_msgs(trade_results)}
    for where, msg in trade_msgs(trade_results):
        zh = say(msg, "zh-TW")
        assert not english_runs(zh), (where, zh)
        said[where].append((say(msg, "en"), zh))
    en, zh = said["spikes"][0]
    offset = trade_results[0].offset_pct
    assert en == f"roundabout: Armenia and Kazakhstan rise while Russia falls; their rise makes up {offset:.1f}% of the fall"
    assert zh == f"迂迴轉口：俄羅斯減少的同時，亞美尼亞和哈薩克增加；其增幅相當於俄羅斯降幅的 {offset:.1f}%"
    kz = next(p for p in trade_results[0].to_dict()["partners"] if p["dest"] == "KZ")
    assert re.fullmatch(r"Kazakhstan: €[\d,.]+ a year in 2022 against €[\d,.]+ in 2020-2021 \(rising, log growth \+\d\.\d\d\)",
                        say(kz["msg"], "en")), say(kz["msg"], "en")
    assert re.fullmatch(r"哈薩克：2022 年均 €[\d,.]+，基期 2020-2021 年均 €[\d,.]+（上升，對數成長 \+\d\.\d\d）",
                        say(kz["msg"], "zh-TW")), say(kz["msg"], "zh-TW")
    en, zh = said["mirror"][0]
    assert en.startswith("2022: Kazakhstan declared 60% of what European Union (27 countries, from 2020) reports it shipped (€")
    assert zh.startswith("2022 年：哈薩克申報的進口僅為歐盟（27 國，2020 年起）所報出口的 60%（進口 €")
    breaks = dict(said["break"])
    assert any(e.startswith("Russia, TOTAL: a structural break at Feb 2022") and "moves down" in e for e in breaks)
    assert any(z.startswith("俄羅斯（TOTAL）：2022年2月出現結構性轉折") and "平均水準下移" in z for z in breaks.values())


def test_trade_charts_in_chinese(trade_results):
    import json

    from chipwatch.trade.charts import growth_chart, mirror_chart, spikes_chart

    s, m, _ = trade_results
    for chart in (spikes_chart, growth_chart, mirror_chart):
        result = m if chart is mirror_chart else s
        en, zh = chart(result), chart(result, lang="zh-TW")
        texts = _chart_texts(zh)
        assert texts and not [t for t in texts if english_runs(t)], [t for t in texts if english_runs(t)]
        assert json.dumps(en) != json.dumps(zh)
    zh = spikes_chart(s, lang="zh-TW")
    assert zh["title"]["text"] == "TOTAL：輸往各目的地的流量（基期 2020–2021）"
    assert zh["layer"][0]["encoding"]["y"]["title"] == "金額（歐元，對數尺度）"
    names = {v["name"] for d in zh["datasets"].values() for v in d if "name" in v}
    assert names == {"俄羅斯", "哈薩克", "亞美尼亞", "喬治亞"}
    roles = {v["role"] for d in zh["datasets"].values() for v in d if "role" in v}
    assert roles == {"目的國", "迂迴轉口", "其他"}
    assert spikes_chart(s)["title"]["text"] == "TOTAL: flows to each destination, baseline 2020-2021"


def _chart_texts(spec) -> list[str]:
    """Every title, axis title, legend title and data label a reader sees in a Vega-Lite spec."""
    out = []
    if isinstance(spec, dict):
        for k, v in spec.items():
            if k in ("title", "text", "subtitle") and isinstance(v, str):
                out.append(v)
            elif k in ("name", "role", "side", "flag", "trend") and isinstance(v, str):
                out.append(v)
            else:
                out += _chart_texts(v)
    elif isinstance(spec, list):
        for v in spec:
            out += _chart_texts(v)
    return out


def test_trade_cli_speaks_chinese(trade_db):
    from conftest import run_cli

    r = run_cli("trade", "spikes", "--product", "TOTAL", "--target", "RU", "--from", "EU", "--lang", "zh-TW", db=trade_db,
                env={"COLUMNS": "240"})
    assert r.code == 0, r
    assert "目的地" in r.out and "哈薩克 (KZ)" in r.out and "俄羅斯 (RU) ← 目的國" in r.out
    assert "迂迴轉口：俄羅斯減少的同時，亞美尼亞和哈薩克增加" in r.out
    for line in r.out.splitlines():
        assert not english_runs(line), line
    r = run_cli("trade", "mirror", "--reporter", "KZ", "--partner", "EU", "--lang", "zh-TW", db=trade_db,
                env={"COLUMNS": "240"})
    assert r.code == 0 and "低於區間" in r.out and "2022 年：哈薩克申報的進口僅為" in r.out, r
    r = run_cli("trade", "spikes", "--product", "TOTAL", "--target", "RU", "--from", "EU", "--json", "--lang", "zh-TW",
                db=trade_db)
    import json

    data = json.loads(r.out)
    assert data["msg"].startswith("迂迴轉口") and data["target_label"] == "俄羅斯" and data["target_name"] == "Russia"
    r = run_cli("trade", "breaks", "--product", "TOTAL", db=trade_db)
    assert r.code == 0 and "Chow test at 2022-02" in r.out, r


def test_trade_import_and_listing_speak_chinese(russia_db, tmp_path):
    import shutil

    from conftest import run_cli
    from test_trade import synthetic_csvs

    db = tmp_path / "store.duckdb"
    shutil.copyfile(russia_db, db)
    synthetic_csvs(tmp_path / "csv")
    r = run_cli("trade", "import", "eurostat-csv", str(tmp_path / "csv"), "--lang", "zh-TW", db=db, env={"COLUMNS": "240"})
    assert r.code == 0, r
    assert f"已匯入 {db}：" in r.out and "eurostat-csv:eu_exports.csv：288 列（其中 0 列為機密），2020-2022 月度資料" in r.out
    r = run_cli("trade", "--lang", "zh-TW", db=db, env={"COLUMNS": "240"})
    assert r.code == 0 and "匯入" in r.out and "列數" in r.out, r
    empty = tmp_path / "empty.duckdb"
    shutil.copyfile(russia_db, empty)
    r = run_cli("trade", "--lang", "zh-TW", db=empty)
    assert r.code == 0 and r.out.startswith("尚未匯入貿易資料：chipwatch trade import eurostat-xlsx"), r


def test_assumption_meanings_in_both_languages():
    from chipwatch.scenarios.model import family, meaning

    sc_names = {a.name for name in SCENARIOS for a in _load(name).assumptions}
    assert len(sc_names) > 50
    for name in sc_names:
        msg = meaning(name)
        assert msg is not None and str(msg) == family(name)[3], name  # the same words as the model's table
        assert not english_runs(msg.text("zh-TW")), name
    assert meaning("demnad.x") is None


def _load(name: str):
    from chipwatch.scenarios import load_scenario

    return load_scenario(name)


def test_derived_transit_claims_said_in_chinese(russia_db, tmp_path):
    import json
    import shutil

    from conftest import run_cli
    from test_trade import synthetic_csvs

    import chipwatch
    from chipwatch.trade.store import import_trade

    db = tmp_path / "store.duckdb"
    shutil.copyfile(russia_db, db)
    synthetic_csvs(tmp_path / "csv")
    import_trade(db, "eurostat-csv", tmp_path / "csv")
    r = run_cli("trade", "derive", "--product", "TOTAL", "--target", "RU", "--from", "EU", "--lang", "zh-TW", db=db)
    assert r.code == 0, r
    assert r.out.startswith(f"已將 2 則衍生陳述寫入 {db} 的資料集「trade」；新增國家實體：country-am"), r.out
    lines = r.out.splitlines()[1:]
    assert len(lines) == 2 and all("經亞美尼亞轉往俄羅斯" in x or "經哈薩克轉往俄羅斯" in x for x in lines), lines
    for line in lines:
        assert not english_runs(line.split(": ", 1)[1]), line
    with chipwatch.open(db) as cw:  # the country the store lacked now has its Chinese name
        assert cw.store.con.execute("SELECT label_zh FROM entities WHERE id = 'country-am'").fetchone() == ("亞美尼亞",)
    r = run_cli("trade", "derive", "--product", "TOTAL", "--target", "RU", "--from", "EU", "--json", db=db)
    data = json.loads(r.out)
    assert data["msgs"][0].startswith("HS/CN TOTAL goes via Armenia to Russia: Armenia €") and len(data["msgs"]) == 2


def test_interventions_and_edited_values_said_in_both_languages(cw):
    from chipwatch.scenarios import build_network, with_values
    from chipwatch.scenarios.render import interventions

    sc = _load("gray-channel-closed")
    names = build_network(cw, sc).to_dict()["names"]
    assert say(names["kazakhstan"], "zh-TW") == "哈薩克" and say(names["mikron"], "en") == "Mikron"
    said = interventions(sc, names)
    assert [m.text("zh-TW") for m in said] == ["關閉經哈薩克的管道——哈薩克對轉出口至俄羅斯的貨物落實出口管制。",
                                              "關閉經土耳其的管道——土耳其對轉出口至俄羅斯的貨物落實出口管制。"]
    assert str(said[0]) == "close the channel through Kazakhstan — Kazakhstan enforces export controls on re-exports to Russia."
    edited = with_values(_load("baseline"), {"capacity.smic": 80})
    a = edited.assumption("capacity.smic")
    assert a.reason("en").startswith("set to 80 wafers (200 mm) a month in this run (file: what SMIC would make")
    assert a.reason("zh-TW").startswith("本次執行設為 80 片／月（8 吋晶圓）；檔案原本的理由：中芯國際可為俄羅斯客戶生產的量")
