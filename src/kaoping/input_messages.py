"""The one catalogue of input-validation messages (校验提示): Chinese first, each with its English twin.

Every message a person reads about a bad cell, a bad row or a bad form field — from the file readers
(:mod:`kaoping.io.validate`), the scheme checks (:mod:`kaoping.engine.consistency`), the import's unit
lookup and the API's form validation — is a member of :class:`Msg`, written once in both languages with
the same ``{placeholders}``.  So ``kaoping import``, the upload page and the API say the same thing, and
a test (``tests/unit/test_input_messages.py``) checks that every member has both texts and that the
English one really is English.

Neutral ground (no io, store, web or api imports), so the pure engine may use it as well.
"""

from __future__ import annotations

import re
from enum import Enum

PLACEHOLDER = re.compile(r"\{(\w+)\}")


class Msg(Enum):
    """A message: ``(Chinese, English)`` templates with the same ``{placeholders}``."""

    # --- a whole file or sheet ---------------------------------------------------------------------------
    FILE_UNREADABLE = ("无法读取：{reason}", "cannot be read: {reason}")
    FILE_TOO_BIG = (
        "文件有 {size} 字节，超过上限 {limit} 字节：请拆分（例如按年）",
        "is {size} bytes; expected at most {limit} (split it, e.g. by year)",
    )
    FILE_UTF16 = (
        "是 UTF-16 文本（Excel 的“Unicode 文本”）：请另存为“CSV UTF-8”",
        "is UTF-16 text (Excel 'Unicode Text'); save it as 'CSV UTF-8' instead",
    )
    FILE_UNDECODABLE = ("无法解码：应为 UTF-8 或 GB18030 文本", "cannot be decoded: expected UTF-8 or GB18030 text")
    CSV_UNREADABLE = (
        "无法按 CSV 读取（{reason}）：请检查双引号是否成对",
        "cannot be read as CSV ({reason}); check for unbalanced double quotes",
    )
    TOO_MANY_ROWS = (
        "数据超过 {limit} 行：请拆分（例如按年）",
        "has more than {limit} data rows; split it, e.g. by year",
    )
    HEADER_TOO_LONG = (
        "表头行超过 {limit} 字节：第一行应为列名",
        "the header row is longer than {limit} bytes; expected the column names",
    )
    HEADER_TOO_WIDE = (
        "表头超过 {limit} 列：第一行应为列名",
        "the header row has more than {limit} columns; expected the column names",
    )
    SHEET_TOO_WIDE = (
        "表头有 {width} 列：最多 {limit} 列",
        "the header row has {width} columns; expected at most {limit}",
    )
    WORKBOOK_TOO_BIG = (
        "文件有 {size} 字节：.xlsx 工作簿最多 {limit} 字节",
        "is {size} bytes; expected an .xlsx workbook of at most {limit} bytes",
    )
    TOO_LARGE_TO_READ = ("过大，无法读取：{reason}", "is too large to read: {reason}")
    NOT_A_WORKBOOK = ("无法作为 .xlsx 工作簿打开：{reason}", "cannot be opened as an .xlsx workbook: {reason}")
    CHART_SHEET = ("是图表工作表，不是数据表", "is a chart sheet, not a sheet of cells")
    NOT_DATA = (
        "应为 CSV 文件所在的文件夹或 .xlsx 工作簿{hint}",
        "expected a folder of CSV files or an .xlsx workbook{hint}",
    )
    SAVE_AS_XLSX = ("；请另存为 .xlsx", "; save it as .xlsx")
    FILE_CHANGED = (
        "文件在导入过程中被修改（检查之后、写入之时内容已不同）：未导入任何内容，请待文件写完后重新导入",
        "the file was modified during the import (it changed after it was checked); "
        "nothing was imported: import it again once the file is complete",
    )
    # --- the header row -----------------------------------------------------------------------------
    HEADER_EMPTY = (
        "表头为空：第一行应为列名：{needed}",
        "the header row is empty; expected the column names first: {needed}",
    )
    COLUMN_TWICE = (
        "列“{column}”在表头中出现多次（第 {letters} 列）",
        "column '{column}' appears more than once in the header (columns {letters})",
    )
    COLUMN_MISSING = (
        "缺少列“{column}”（可写作 {spellings}）；表头现有：{shown}",
        "missing column '{column}' (written as {spellings}); the header has: {shown}",
    )
    # --- one cell ------------------------------------------------------------------------------------
    EMPTY = ("未填写：应为{expected}", "empty; expected {expected}")
    NOT_A_NUMBER = ("“{value}”不是数字：应为{expected}", "'{value}' is not a number: expected {expected}")
    NEGATIVE_POINTS = (
        "“{value}”是负数：扣分应为不小于 0 的数",
        "'{value}' is negative: expected a number ≥ 0 (deductions are positive points)",
    )
    NOT_WHOLE = ("“{value}”不是整数：应为{expected}", "'{value}' is not a whole number: expected {expected}")
    TOO_SMALL = ("“{value}”小于 {minimum}：应为{expected}", "'{value}' is less than {minimum}: expected {expected}")
    NOT_A_DATE = ("“{value}”不是日期：应为{expected}", "'{value}' is not a date: expected {expected}")
    NOT_A_TIME = ("“{value}”不是时间：应为{expected}", "'{value}' is not a time: expected {expected}")
    NOT_A_CLOCK = ("“{value}”不是时刻：应为{expected}", "'{value}' is not a time of day: expected {expected}")
    NOT_A_PERIOD = ("“{value}”不是考评期：应为{expected}", "'{value}' is not a period: expected {expected}")
    NOT_A_FLAG = (
        "“{value}”不是“是/否”：应为{expected}（空白 = 是）",
        "'{value}' is not a yes/no value: expected {expected} (empty = yes)",
    )
    NOT_A_CHOICE = (
        "“{value}”不是有效的{column}：应为{expected}",
        "'{value}' is not a valid {column}: expected {expected}",
    )
    # --- units named by a row ------------------------------------------------------------------------
    UNIT_UNKNOWN = (
        "没有考评对象“{value}”：应为考评对象的编号或名称{closest}",
        "unknown unit '{value}': expected the id or name of a unit{closest}",
    )
    UNIT_CLOSEST = ("；相近的有：{names}", "; the closest are: {names}")
    UNIT_AMBIGUOUS = (
        "考评对象名称“{value}”对应多个考评对象：{candidates}；请改填编号",
        "unit name '{value}' names several units: {candidates}; give the unit id instead",
    )
    NO_UNITS = (
        "没有考评对象：考评对象表须列出参加考评的单位（编号、名称、分组）",
        "no units: units.csv must list the evaluated units (unit_id, name, group)",
    )
    # --- the scheme's checks -------------------------------------------------------------------------
    UNKNOWN_GROUP = (
        "没有分组“{value}”：方案 {scheme} 的分组为 {groups}",
        "unknown group '{value}'; scheme {scheme} has groups {groups}",
    )
    PART_NOT_FOR_GROUP = (
        "“{part}”不适用于{group}：该项目只考评 {groups}",
        "{part} does not apply to {group}; it is scored for {groups} only",
    )
    WHOLE_PART = (
        "“{value}”：{part} 按整个项目评分，考评细项应留空",
        "'{value}': {part} is scored as a whole part; leave item empty",
    )
    UNKNOWN_ITEM = (
        "“{value}”不是{group}“{part}”的考评细项：应为 {expected}",
        "'{value}' is not an item of {part} for {group}; expected one of: {expected}",
    )
    DEDUCTION_PART_IN_SCORES = (
        "“{value}”是方案 {scheme} 的扣分项目：应录入督查扣分",
        "'{value}' is a deduction part of {scheme}: give it in deductions.csv",
    )
    UNKNOWN_SCORE_PART = (
        "没有考评项目“{value}”：方案 {scheme} 的评分项目为 {expected}",
        "unknown part '{value}'; {scheme} takes scores for: {expected}",
    )
    UNKNOWN_DEDUCTION_PART = (
        "“{value}”不是方案 {scheme} 的扣分项目：应为 {expected}",
        "'{value}' is not a deduction part of {scheme}; expected one of: {expected}",
    )
    NO_STANDARD = (
        "方案 {scheme} 未引用扣分标准：问题类型编号“{value}”无从查找，请留空或在方案中填写 standard",
        "{scheme} names no standard (standard:); problem kind '{value}' cannot be looked up — leave it empty",
    )
    UNKNOWN_PROBLEM_KIND = (
        "扣分标准 {standard} 中没有问题类型编号“{value}”：应为标准所列编号，如 {expected}",
        "problem kind '{value}' is not in the standard {standard}; expected one of its codes, e.g. {expected}",
    )
    KIND_OTHER_ITEM = (
        "问题类型 {value} 属于考评内容“{item}”，本行考评内容为“{got}”",
        "problem kind {value} belongs to item '{item}'; this row's item is '{got}'",
    )
    KIND_OTHER_CHECKLIST = (
        "问题类型 {value} 不在“{part}”检查表上：它属于 {expected}",
        "problem kind {value} is not on the checklist {part}; it is on: {expected}",
    )
    QUANTITY_NEEDED = (
        "问题类型 {value} 按{per}计分：应填写数量（大于 0）",
        "problem kind {value} is counted {per}: expected a quantity greater than 0",
    )
    POINTS_NOT_STANDARD = (
        "扣分 {value} 与扣分标准不符：应为 {expected} 分（{how}）；如确需调整，请填写调整理由",
        "points {value} disagree with the standard: expected {expected} ({how}); give override_reason to change them",
    )
    POINT_HALF = (
        "只有{have}没有{missing}：位置须同时填写纬度和经度（或都不填）",
        "{have} without {missing}: give both latitude and longitude, or neither",
    )
    POINT_OUT_OF_RANGE = (
        "{column}“{value}”超出范围：应在 {low} 到 {high} 之间（WGS-84 度）",
        "{column} {value} out of range: expected {low} to {high} (WGS-84 degrees)",
    )
    ACCURACY_TOO_LARGE = (
        "定位精度 {value} 米过大：应不超过 {limit} 米",
        "location accuracy {value} m too large: expected at most {limit} m",
    )
    WRONG_PERIOD_KIND = (
        "“{part}”按{want}评分，“{value}”是{kind}",
        "{part} is given per {want_en}; '{value}' is a {kind_en}",
    )
    SCORE_OUT_OF_RANGE = (
        "得分 {value} 超出“{part}”的范围：应为 0–{top}",
        "score {value} out of range for {part}: expected 0–{top}",
    )
    BONUS_NEGATIVE = ("加分 {value} 是负数：应不小于 0", "bonus score {value} is negative; expected ≥ 0")
    DUPLICATE_UNIT = (
        "考评对象重复：与第 {first} 行相同（{value}）",
        "unit '{value}' is listed twice: same as row {first}",
    )
    DUPLICATE_RANK = (
        "{unit} 在 {period} 的任务“{task}”已有名次（第 {first} 行）：每期只填一个名次",
        "a second rank for {unit} in task '{task}' for {period} (row {first}); give one rank per period",
    )
    DUPLICATE_ROW = (
        "重复行：与第 {first} 行的 {named} 相同",
        "duplicate of row {first} ({named}): one {kind} row per key",
    )
    # --- a form or API field (pydantic's errors, by type) --------------------------------------------
    FIELD_MISSING = ("必填", "required")
    FIELD_NUMBER = ("应为数字", "expected a number")
    FIELD_WHOLE = ("应为整数", "expected a whole number")
    FIELD_DATE = ("应为日期（如 2024-12-05）", "expected a date such as 2024-12-05")
    FIELD_DATETIME = ("应为日期和时间（如 2024-12-05 08:30）", "expected a date and time such as 2024-12-05 08:30")
    FIELD_TIME = ("应为时刻（如 08:30）", "expected a time of day such as 08:30")
    FIELD_TEXT = ("应为文字", "expected text")
    FIELD_BOOL = ("应为“是”或“否”", "expected true or false")
    FIELD_AT_LEAST = ("应不小于 {limit}", "expected a value ≥ {limit}")
    FIELD_ABOVE = ("应大于 {limit}", "expected a value > {limit}")
    FIELD_AT_MOST = ("应不大于 {limit}", "expected a value ≤ {limit}")
    FIELD_BELOW = ("应小于 {limit}", "expected a value < {limit}")
    FIELD_TOO_LONG = ("最多 {limit} 个字符", "at most {limit} characters")
    FIELD_TOO_SHORT = ("至少 {limit} 个字符", "at least {limit} characters")
    FIELD_CHOICE = ("应为以下之一：{expected}", "expected one of: {expected}")
    FIELD_UNKNOWN = ("不认识的字段", "unknown field")
    FIELD_INVALID = ("填写有误", "invalid value")
    FIELD_WHERE = ("{field}：{message}", "{field}: {message}")

    # --- refusals of a use case (领域错误: the API's ``detail``, the pages' error page, the CLI's 错误：) ------
    NOT_OFFICE_SCHEME = (
        "scheme：本系统未运行考评方案“{scheme}”（运行中：{schemes}）",
        "scheme: this office runs {schemes}, not '{scheme}'",
    )
    BAD_PERIOD = ("period：{reason}", "period: {reason}")
    WRONG_STEP = (
        "不能{step} {result}：其状态为{status}，只有{wanted}的结果可以{step}；{hint}",
        "cannot {step} {result}: it is {status}, only a {wanted} result can be; {hint}",
    )
    HINT_DRAFT = ("请先审核", "review it first")
    HINT_REVIEWED = ("已审核，请发布", "it is already reviewed; publish it")
    HINT_PUBLISHED = (
        "已冻结；如需修改请计算更正版（填写原因的新草稿）",
        "it is frozen; to change it compute a correction (a new draft with a reason)",
    )
    HINT_SUPERSEDED = ("已被后来的版本取代并冻结", "it was replaced by a later version and is frozen")
    CORRECTION_NEEDS_REASON = (
        "{scheme} {period} 已发布 v{version}：新草稿即为更正，须填写更正原因",
        "{scheme} {period} already has published v{version}; a new draft is a correction and needs a reason",
    )
    RESULT_FROZEN = (
        "考评结果 {scheme} {period} v{version} 已{status}并冻结，不能修改{changed}",
        "result {scheme} {period} v{version} is {status} and frozen; refusing to change {changed}",
    )
    RESULT_NEVER_DELETED = (
        "考评结果 {scheme} {period} v{version} 已{status}，永不删除",
        "result {scheme} {period} v{version} is {status}; it is never deleted",
    )
    NOT_PUBLISHED_YET = (
        "{period} 尚未发布：申诉自发布之日起受理",
        "{period} is not published yet; appeals open at publication",
    )
    APPEAL_WINDOW_CLOSED = (
        "{period} 的申诉期已于 {closes} 截止（发布于 {opens}，申诉期 {days} 天）",
        "the appeal window for {period} closed at {closes} ({days} days after publication on {opens})",
    )
    NAME_THE_UNIT = ("unit_id：请指明所涉单位", "unit_id: name the unit")
    NO_UNIT = ("没有单位“{unit}”", "no unit '{unit}'")
    NO_ACCOUNT = ("没有账号“{username}”", "no account '{username}'")
    NO_EVIDENCE = ("没有编号为 {id} 的证据", "no evidence {id}")
    EVIDENCE_BAD_IMAGE = ("证据 {id} 未通过图片检查：{reason}", "evidence {id} did not pass the image check: {reason}")
    ROW_FITS_NO_SCHEME = (
        "该{kind}记录不属于本系统的任何考评方案（{schemes}）",
        "the {kind} row fits none of the office's schemes ({schemes})",
    )
    ROW_REFUSED = ("该{kind}记录被拒绝：{reason}", "the {kind} row is refused: {reason}")
    ROW_NEEDS_CONFIRMATION = (
        "该{kind}记录需确认：请以 confirm: true 并附理由重新提交",
        "the {kind} row needs confirmation: send it again with confirm: true and a reason",
    )
    UNIT_EXISTS = ("单位“{unit}”已存在；修改请用 PUT /api/units/{unit}", "unit '{unit}' exists; PUT /api/units/{unit}")
    ROW_STILL_REFERRED = ("{kind} 记录 {id} 仍被引用，不能删除", "{kind} row {id} is still referred to; cannot delete")
    ROLE_MAY_NOT = ("本账号的角色（{role}）无权进行此操作", "role '{role}' may not: {what}")
    TEXT_TOO_LONG = ("{column}：最多 {limit} 个字符", "{column}: at most {limit} characters")
    NO_OPEN_NOTICE = (
        "单位“{unit}”没有 {notified} 起的未结整改通知 {problem}",
        "no open notice {problem} of {notified} for unit '{unit}'",
    )
    # --- 数字城管 case flow (app/case_flow.py) ---------------------------------------------------------------
    NO_CASE = ("没有案卷“{case}”", "no case '{case}'")
    CASE_STEP = ("案卷 {case} 当前为“{status}”，不能{step}", "case {case} is {status}: cannot {step}")
    CASE_MOVED = (
        "案卷 {case} 已被他人处理（现为“{status}”），请刷新后重试",
        "case {case} was moved meanwhile (now {status}); reload and try again",
    )
    OVERRIDE_REASON = (
        "派遣到“{unit}”而非处置手册建议的“{suggested}”，须说明理由",
        "dispatching to '{unit}' instead of the handbook's '{suggested}' needs a reason",
    )
    FEEDBACK_PHOTO = ("处置反馈须附至少一张照片", "feedback needs at least one photo")
    TOO_MANY_PHOTOS = ("最多附 {limit} 张照片", "at most {limit} photos")
    NEW_DEADLINE = (
        "延期须给出晚于原处置时限（{deadline}）的新时限",
        "a postponement needs a new deadline later than the current one ({deadline})",
    )
    NO_CASE_REQUEST = ("没有待审批的申请 {id}", "no pending request {id}")
    REASON_NEEDED = ("请说明理由", "give a reason")
    ACCOUNT_NO_NAME = ("username: 用户名不能为空", "username: must not be empty")
    ACCOUNT_UNKNOWN_ROLE = (
        "role: 没有角色“{role}”；可用的角色：{known}",
        "role: unknown role '{role}'; roles: {known}",
    )
    ACCOUNT_NEEDS_UNIT = (
        "unit_id: 被考评单位的账号须指明所属单位",
        "unit_id: role 'unit' needs the unit it belongs to",
    )
    ACCOUNT_NO_UNIT = (
        "unit_id: 数据库中没有单位“{unit}”（请先导入 units.csv）",
        "unit_id: no unit '{unit}' in the store (import units.csv first)",
    )
    ACCOUNT_UNIT_ONLY = (
        "unit_id: 只有被考评单位的账号属于某个单位，角色“{role}”不属于",
        "unit_id: only role 'unit' belongs to a unit, not role '{role}'",
    )
    ACCOUNT_NEEDS_PARTS = (
        "parts: 角色“{role}”须指明其评分的考评项目（或“项目/细项”）",
        "parts: role '{role}' needs the parts (or 'part/item') it scores",
    )
    ACCOUNT_NO_PARTS = (
        "parts: 角色“{role}”不按考评项目限定，请留空",
        "parts: role '{role}' is not limited to parts; leave parts empty",
    )
    ACCOUNT_EXISTS = ("username: 账号“{username}”已存在", "username: '{username}' already exists")
    REINSPECTED_BEFORE_NOTICE = ("复查日期早于整改通知日期", "the re-inspection is before the notice")
    BATCH_SIZE = ("一批应有 1 至 {limit} 行，而不是 {count} 行", "a batch holds 1 to {limit} rows, not {count}")

    @property
    def zh(self) -> str:
        return str(self.value[0])

    @property
    def en(self) -> str:
        return str(self.value[1])


def _fill(template: str, values: dict[str, object]) -> str:
    return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), template)


def say(msg: Msg, **values: object) -> tuple[str, str]:
    """The message ``msg`` with ``values`` filled in, as ``(Chinese, English)``.

    A value that is itself a pair (an "expected" text, a column name) is used in its own language.
    """
    zh = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    en = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    return _fill(msg.zh, zh), _fill(msg.en, en)


def quoted(value: str) -> str:
    """A cell value for a message, cut short so one silly cell cannot flood the screen."""
    shown = value.replace("\r", "\\r").replace("\n", "\\n")
    return shown if len(shown) <= 60 else shown[:57] + "..."


__all__ = ["Msg", "quoted", "say"]
