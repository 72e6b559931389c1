"""The service catalogue: which Open311 service codes the office offers, and which case category each is.

GeoReport clients pick a ``service_code``; the system of record files a case under a ``category``
(cases.csv).  The two must map one to one on the way in, but imported case files name the same problem in
several ways (井盖破损, 雨水井盖破损 ...), so each service also lists the ``aliases`` it reads back as.
The codes follow the 大类/小类 layout of GB/T 30428.2 (EV = 事件 events, CP = 部件 components, then two
digits of 大类 and two of 小类); ``group`` is the 大类.  The table is Python, not YAML, so it ships with the
package without package-data entries and mypy checks it; an office with its own catalogue edits this file.

``limit`` is the 处置时限 of the 处置手册 (working hours or working days on the office's WorkCalendar): it
gives ``expected_datetime`` before a case has a deadline of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

Datatype = Literal["string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"]
ServiceType = Literal["realtime", "batch", "blackbox"]
CaseKind = Literal["component", "event"]


class Value(NamedTuple):
    """One choice of a list attribute: ``key`` is what a client posts, ``name`` what a person reads."""

    key: str
    name: str


@dataclass(frozen=True)
class Attribute:
    """A question a service asks beyond the standard fields (GeoReport ``attribute[code]``)."""

    code: str
    datatype: Datatype
    description: str
    required: bool = False
    variable: bool = True
    """False: an instruction shown to the reporter, not a question (nothing is posted for it)."""
    datatype_description: str = ""
    order: int = 1
    values: tuple[Value, ...] = ()


@dataclass(frozen=True)
class Limit:
    """处置时限: ``amount`` working hours or working days, counted on the WorkCalendar."""

    amount: int
    unit: Literal["hours", "days"]

    def zh(self) -> str:
        return f"{self.amount} 个{'工作小时' if self.unit == 'hours' else '工作日'}"

    def en(self) -> str:
        return f"{self.amount} working {self.unit if self.amount != 1 else self.unit[:-1]}"


@dataclass(frozen=True)
class Service:
    code: str
    """EV… or CP… and four digits: the kind and the 大类 (:data:`GROUPS`) are read off it, never stated twice."""
    name: str
    """The service_name and the case category written for a new request."""
    description: str
    keywords: tuple[str, ...]
    limit: Limit | None
    type: ServiceType = "realtime"
    aliases: tuple[str, ...] = ()
    attributes: tuple[Attribute, ...] = ()

    @property
    def kind(self) -> CaseKind:
        """部件 (CP…) or 事件 (EV…)."""
        return "component" if self.code.startswith("CP") else "event"

    @property
    def group(self) -> str:
        """The 大类 the code's first four characters name."""
        return GROUPS[self.code[:4]]

    @property
    def metadata(self) -> bool:
        """GeoReport ``metadata``: true when the service definition has questions to answer."""
        return bool(self.attributes)

    @property
    def categories(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def notice(self) -> str:
        """``service_notice``: what happens next, in Chinese and English."""
        if self.type == "blackbox":
            return "由指挥中心分拨，不提供办理编号 / routed by the command centre; no request id is issued"
        zh, en = "立案后派遣责任单位处置", "registered and dispatched to the responsible unit"
        if self.limit is not None:
            zh, en = f"{zh}，处置时限 {self.limit.zh()}", f"{en}, to be handled within {self.limit.en()}"
        return f"{zh} / {en}"


GROUPS: dict[str, str] = {
    "EV01": "市容环境",
    "EV02": "宣传广告",
    "EV05": "街面秩序",
    "EV06": "其他事件",
    "CP01": "公用设施",
    "CP02": "道路交通",
    "CP03": "市容环境",
    "CP04": "园林绿化",
}
"""The 大类 of the catalogue by kind and the two digits that follow (GB/T 30428.2)."""

_COVER_TYPES = (
    Value("water", "上水 water supply"),
    Value("sewage", "污水 sewage"),
    Value("rain", "雨水 storm drain"),
    Value("power", "电力 power"),
    Value("telecom", "通信 telecom"),
    Value("gas", "燃气 gas"),
    Value("other", "其他 other"),
)

SERVICES: tuple[Service, ...] = (
    Service(
        "EV0101",
        "私搭乱建",
        "违法搭建的棚屋、围墙等 / unauthorised structures, sheds or walls",
        ("违建", "搭建", "illegal structure"),
        Limit(20, "days"),
        "batch",
        ("乱搭乱建",),
        (
            Attribute(
                "structure",
                "singlevaluelist",
                "搭建物类型 / kind of structure",
                required=True,
                values=(
                    Value("steel", "彩钢棚 steel shed"),
                    Value("brick", "砖混 brick"),
                    Value("other", "其他 other"),
                ),
            ),
            Attribute(
                "noticed",
                "datetime",
                "发现时间 / when it was first noticed",
                order=2,
                datatype_description="W3C datetime, e.g. 2024-05-01T09:00:00+08:00",
            ),
        ),
    ),
    Service(
        "EV0102",
        "暴露垃圾",
        "路面、绿地上暴露的垃圾 / exposed rubbish on streets or green spaces",
        ("垃圾", "garbage", "trash"),
        Limit(4, "hours"),
    ),
    Service(
        "EV0106",
        "绿地脏乱",
        "绿地、绿化带内的垃圾杂物 / litter in green belts",
        ("绿化带", "green belt", "litter"),
        Limit(1, "days"),
        aliases=("绿化带垃圾",),
    ),
    Service(
        "EV0110",
        "乱堆物料",
        "占用道路堆放的物料 / materials piled on the road",
        ("堆物", "materials", "obstruction"),
        Limit(1, "days"),
    ),
    Service(
        "EV0201",
        "非法小广告",
        "乱贴乱画的小广告 / illegal flyers and graffiti adverts",
        ("小广告", "flyer", "graffiti"),
        Limit(1, "days"),
        aliases=("小广告", "乱张贴"),
    ),
    Service(
        "EV0501",
        "占道经营",
        "占用道路、人行道摆摊经营 / street vending on roads or pavements",
        ("摆摊", "vendor", "street trading"),
        Limit(2, "hours"),
        aliases=("无照经营游商",),
        attributes=(
            Attribute(
                "times",
                "multivaluelist",
                "常见时段 / when it usually happens",
                values=(
                    Value("morning", "早上 morning"),
                    Value("noon", "中午 noon"),
                    Value("evening", "傍晚 evening"),
                    Value("night", "夜间 night"),
                ),
            ),
        ),
    ),
    Service(
        "EV0504",
        "店外经营",
        "商铺超出门窗外墙经营 / shops trading outside their premises",
        ("出店经营", "shopfront"),
        Limit(2, "hours"),
    ),
    Service(
        "EV0699",
        "其他问题",
        "其他城市管理问题，由指挥中心分拨 / anything else, triaged by the centre",
        ("其他", "other"),
        None,
        "blackbox",
    ),
    Service(
        "CP0101",
        "井盖",
        "井盖缺失、破损或移位 / missing, broken or displaced manhole covers",
        ("井盖", "manhole", "cover"),
        Limit(2, "hours"),
        aliases=("井盖破损", "井盖缺失", "雨水井盖破损", "电力井盖破损", "通信井盖破损"),
        attributes=(
            Attribute(
                "warning",
                "string",
                "井盖缺失请先在周边设置警示，注意安全 / if the cover is missing, keep clear",
                variable=False,
                order=0,
            ),
            Attribute("cover_type", "singlevaluelist", "井盖类型 / kind of cover", required=True, values=_COVER_TYPES),
            Attribute(
                "problem",
                "singlevaluelist",
                "问题 / problem",
                required=True,
                order=2,
                values=(
                    Value("missing", "缺失 missing"),
                    Value("broken", "破损 broken"),
                    Value("displaced", "移位 displaced"),
                ),
            ),
        ),
    ),
    Service(
        "CP0117",
        "路灯",
        "路灯不亮、损坏 / street lights out or damaged",
        ("路灯", "street light", "lamp"),
        Limit(3, "days"),
        aliases=("路灯不亮",),
        attributes=(
            Attribute("pole_number", "string", "灯杆编号（如有）/ pole number, if visible"),
            Attribute(
                "lamps_out",
                "number",
                "不亮的盏数 / how many lamps are out",
                order=2,
                datatype_description="a whole number",
            ),
        ),
    ),
    Service(
        "CP0201",
        "道路破损",
        "车行道、人行道破损 / damaged roads or pavements",
        ("坑洼", "pothole", "pavement"),
        Limit(5, "days"),
        aliases=("人行道板破损",),
    ),
    Service(
        "CP0210",
        "护栏",
        "道路护栏损坏 / damaged road railings",
        ("护栏", "railing", "guardrail"),
        Limit(3, "days"),
        aliases=("护栏损坏",),
    ),
    Service(
        "CP0304",
        "垃圾箱",
        "垃圾箱破损、满溢 / damaged or overflowing litter bins",
        ("垃圾桶", "bin"),
        Limit(1, "days"),
        aliases=("垃圾箱破损",),
    ),
    Service(
        "CP0402",
        "行道树",
        "行道树倒伏、枯死 / fallen or dead street trees",
        ("树木", "tree"),
        Limit(1, "days"),
        aliases=("行道树倒伏",),
    ),
    Service(
        "CP0405",
        "绿地",
        "绿地破损、被占 / damaged or occupied green space",
        ("绿地", "lawn", "green space"),
        Limit(5, "days"),
        aliases=("绿地破损",),
    ),
)

BY_CODE: dict[str, Service] = {s.code: s for s in SERVICES}
BY_CATEGORY: dict[str, Service] = {c: s for s in SERVICES for c in s.categories}
"""Every category a service answers to; a category belongs to one service only (checked below)."""

if len(BY_CATEGORY) != sum(len(s.categories) for s in SERVICES) or len(BY_CODE) != len(SERVICES):
    raise RuntimeError("kaoping.open311.services: a service code or a category is listed twice")
if any(s.code[:2] not in ("EV", "CP") or s.code[:4] not in GROUPS for s in SERVICES):
    raise RuntimeError("kaoping.open311.services: a service code names no kind or 大类 (see GROUPS)")


def service_for(category: str) -> Service | None:
    """The service a case of ``category`` is published under (None: not an Open311 category)."""
    return BY_CATEGORY.get(category)
