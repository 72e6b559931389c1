"""The Open311 service catalogue is a data file: what it yields, and the mistakes in it that stop the start."""

from __future__ import annotations

from pathlib import Path

import pytest

from kaoping.cases.categories import ConfigError
from kaoping.open311.services import BY_CATEGORY, BY_CODE, GROUPS, SERVICES, Limit, Value, load_catalogue

_ONE = """\
groups: {EV01: 市容环境}
services:
  - code: EV0102
    name: 暴露垃圾
    description: rubbish
    keywords: [垃圾]
    limit: {amount: 4, unit: hours}
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "services.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_catalogue_reads_into_the_service_types() -> None:
    assert [s.code for s in SERVICES][:3] == ["EV0101", "EV0102", "EV0106"]
    assert GROUPS["CP01"] == "公用设施" and BY_CODE["CP0101"].group == "公用设施"
    cover = BY_CODE["CP0101"]
    assert cover.limit == Limit(2, "hours") and cover.kind == "component" and cover.type == "realtime"
    assert [a.code for a in cover.attributes] == ["warning", "cover_type", "problem"]
    assert cover.attributes[1].values[0] == Value("water", "上水 water supply")  # a `key: name` mapping, in order
    assert (cover.attributes[0].variable, cover.attributes[0].order) == (False, 0)
    assert BY_CODE["EV0699"].limit is None and BY_CODE["EV0699"].type == "blackbox"
    assert BY_CATEGORY["雨水井盖破损"] is cover


def test_a_small_file_loads(tmp_path: Path) -> None:
    groups, services = load_catalogue(_write(tmp_path, _ONE))
    assert groups == {"EV01": "市容环境"}
    assert [(s.code, s.limit, s.aliases, s.attributes) for s in services] == [("EV0102", Limit(4, "hours"), (), ())]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("unit: hours", "unit: weeks"), r"services\[0\]\.limit\.unit: Input should be 'hours' or 'days'"),
        (("keywords:", "keyword:"), r"services\[0\]\.keyword: Unexpected keyword argument"),
        (("groups: {EV01: 市容环境}", "groups: {EV02: 宣传广告}"), "code EV0102 names no kind"),
        (("name: 暴露垃圾", "name: 暴露垃圾\n    aliases: [暴露垃圾]"), "category 暴露垃圾 belongs to more than one"),
    ],
)
def test_a_mistake_in_the_file_is_refused_with_its_place(
    tmp_path: Path, change: tuple[str, str], expected: str
) -> None:
    with pytest.raises(ConfigError, match=expected) as info:
        load_catalogue(_write(tmp_path, _ONE.replace(*change)))
    assert info.value.file == str(tmp_path / "services.yaml")


def test_a_code_listed_twice_is_refused(tmp_path: Path) -> None:
    twice = _ONE + _ONE.split("services:\n")[1].replace("暴露垃圾", "垃圾满溢").replace("[垃圾]", "[满溢]")
    with pytest.raises(ConfigError, match="code EV0102 is listed twice"):
        load_catalogue(_write(tmp_path, twice))


def test_a_list_value_key_twice_is_refused(tmp_path: Path) -> None:
    question = "{code: a, datatype: singlevaluelist, description: d, values: {k: x, k: y}}"
    text = f"{_ONE}    attributes:\n      - {question}\n"
    with pytest.raises(ConfigError, match="key 'k' appears twice"):
        load_catalogue(_write(tmp_path, text))
