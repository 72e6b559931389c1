"""考评方案 pages on SQLite and PostgreSQL: open to everyone, every built-in scheme renders, city-1000 shows
its parts, weights, reward tiers and the 递补 rule, and the scheme file downloads as written."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from kaoping.scheme import builtin_names, load_scheme


def test_list_shows_the_office_scheme_first_and_the_builtins(web: Any) -> None:
    r = web.client.get("/schemes")
    assert r.status_code == 200, r.text
    office = r.text[r.text.index('id="office-schemes"') : r.text.index('id="builtin-schemes"')]
    assert 'data-scheme="city-1000"' in office and "202*年度城市管理综合考评工作方案" in office
    assert "季度" in office and "年度" in office
    others = r.text[r.text.index('id="builtin-schemes"') :]
    assert 'data-scheme="enforcement-100"' in others and 'data-scheme="city-1000"' not in others


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_scheme_renders(web: Any, name: str) -> None:
    r = web.client.get(f"/schemes/{name}")
    assert r.status_code == 200, r.text
    scheme = load_scheme(name)
    assert scheme.title in r.text
    for part in scheme.all_parts():
        assert f'data-part="{part.name}"' in r.text
    for flag in scheme.flags:
        assert f'data-flag="{flag.code}"' in r.text


def test_city_1000_parts_weights_tiers_and_succession(web: Any) -> None:
    page = web.client.get("/schemes/city-1000").text
    parts = page[page.index('id="parts-table"') :]
    row = re.search(r'<tr class="depth-0" data-part="部门考评">(.*?)</tr>', parts, re.S)
    assert row and "300" in row.group(1) and "30%" in row.group(1) and "市政府部门考评" in row.group(1)
    third = re.search(r'data-part="第三方测评">(.*?)</tr>', parts, re.S)
    assert third and "500" in third.group(1) and "50%" in third.group(1) and "按月度评分" in third.group(1)
    rewards = page[page.index('id="scheme-rewards"') :]
    assert "+1,000,000" in rewards and "-800,000" in rewards and "倒数第1名" in rewards
    assert "递补" in page[page.index('id="scheme-succession"') :]
    assert "取消获奖资格" in rewards and "通报批评" in rewards
    bonus = page[page.index('id="scheme-bonus"') :]
    assert "表彰加分" in bonus and "国家部委 3 分" in bonus and "每年累计不超过 6 分" in bonus
    assert "末位表态发言" in page and "连续 2 期" in page
    assert 'id="weights-data"' in page and "/static/scheme.js" in page and "/static/vendor/echarts.min.js" in page


def test_weighted_scheme_shows_percent_weights_and_formulas(web: Any) -> None:
    page = web.client.get("/schemes/district-performance").text
    row = re.search(r'data-part="日常检查">(.*?)</tr>', page, re.S)
    assert row and "30%" in row.group(1)
    assert "结案率 * 0.4" in page and "单项任务加分" in page and "第 1–3 名加 3 分" in page
    assert "本方案不设经济奖惩" in page and "方案解读" in page


def test_open_to_the_public_and_units(web: Any) -> None:
    assert web.client.get("/schemes/city-1000").status_code == 200
    web.login("jiaqu")
    assert web.client.get("/schemes/city-1000").status_code == 200


def test_yaml_download_is_the_scheme_file(web: Any) -> None:
    r = web.client.get("/schemes/city-1000.yaml")
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    data = yaml.safe_load(r.content.decode("utf-8"))
    assert data["scheme"] == "city-1000"
    assert "递补" in r.content.decode("utf-8")  # the comments (the readings) come along


def test_unknown_scheme_is_404(web: Any) -> None:
    assert web.client.get("/schemes/nope").status_code == 404
    assert web.client.get("/schemes/nope.yaml").status_code == 404


def test_english_headings(web: Any) -> None:
    page = web.client.get("/schemes/city-1000?lang=en").text
    for heading in ("Parts and points", "Evaluation periods", "Rewards and penalties", "Accountability rules"):
        assert heading in page
    assert "考评项目与分值" not in page
    assert "Schemes" in web.client.get("/schemes?lang=en").text


ROUNDING_SCHEME = """scheme: rt
title: 逐项取整方案
periods: {month: {}}
groups: [{name: 甲组}]
combine: weighted
round_terms: 2
parts:
  - {name: 日常检查, weight: 40, max: 100, source: scores}
  - name: 暗查
    weight: 60
    max: 100
    combine: weighted
    round_terms: 1
    parts:
      - {name: a, weight: 50, max: 100, source: scores}
      - {name: b, weight: 50, max: 100, source: scores}
rewards: {tiers: {甲组: {bottom: [-50万, -80万, -100万], bottom_order: worst_last}}}
"""


def test_round_terms_and_bottom_order_are_shown(tmp_path: Any) -> None:
    # Issue 19: the page says where terms are rounded, and lists penalties from the last unit whichever
    # order the file writes them in (worst_last: -50万, -80万, -100万 → 倒数第1名 -1,000,000).
    from fastapi.testclient import TestClient

    from kaoping.server import create_app

    path = tmp_path / "rt.yaml"
    path.write_text(ROUNDING_SCHEME, encoding="utf-8")
    app = create_app(f"sqlite:///{tmp_path}/k.db", secret="s" * 40, schemes=[str(path)], separation_of_duties=False)
    page = TestClient(app).get("/schemes/rt").text
    assert "各项目按百分比权重加权，各项加权后先保留 2 位小数（四舍五入）再相加" in page
    row = re.search(r'data-part="暗查">(.*?)</tr>', page, re.S)
    assert row and "各项加权后先保留 1 位小数（四舍五入）再相加" in row.group(1)
    rewards = page[page.index('id="scheme-rewards"') :]
    found = re.findall(r'倒数第(\d)名</td><td class="num">([^<]*)', rewards)
    assert found == [("1", "-1,000,000"), ("2", "-800,000"), ("3", "-500,000")]


def test_descriptions_follow_the_language_switch(web: Any) -> None:
    """Every built-in scheme says what it is, in Chinese and, with the English switch, in English."""
    chinese = web.client.get("/schemes").text
    english = web.client.get("/schemes?lang=en").text
    for name in builtin_names():
        scheme = load_scheme(name)
        assert scheme.description and scheme.description_en, name
        assert scheme.description in chinese and scheme.description_en not in chinese, name
        assert scheme.description_en.replace("'", "&#39;") in english, name
    page = web.client.get("/schemes/jinan-2022?lang=en").text
    assert re.search(
        r'<p class="lead" id="scheme-description">Jinan\'s 1000-point quarterly', page.replace("&#39;", "'")
    )
    assert 'id="scheme-description">济南市1000分制季度考评' in web.client.get("/schemes/jinan-2022?lang=zh").text


def test_a_panel_trimmed_mean_is_said_on_the_scheme_page(web: Any) -> None:
    """enforcement-staff's 评委 scores: 去掉一个最高分和一个最低分后取平均, in Chinese and with the English switch."""
    row = re.search(r'data-part="定性评价">(.*?)</tr>', web.client.get("/schemes/enforcement-staff").text, re.S)
    assert row and "多个评分单位去掉一个最高分和一个最低分后取平均" in row.group(1)
    english = web.client.get("/schemes/enforcement-staff?lang=en").text
    row = re.search(r'data-part="定性评价">(.*?)</tr>', english, re.S)
    assert row and "mean without the highest and the lowest" in row.group(1)
