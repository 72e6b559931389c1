"""Chinese first on every page: each role walks every page it can reach in the demo city (Chinese, the
default language) and no page shows an English word where a person reads.

"What a person reads" is the text between tags (not scripts, styles or codes a page prints in ``<code>``),
the attributes a browser or a screen reader shows (title, placeholder, aria-label, alt, a button's value, an
option group's label) and the texts our scripts put on the page (the data-* messages they read, checked like
attributes, and the string literals of web/static/*.js, checked without a browser); the words that stay
Latin are the product's name, units of measure, file names and the identifiers the office itself uses (unit
ids, period keys, case numbers), listed in ``LATIN_ALLOWED``.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import openpyxl
import pytest
from fastapi.testclient import TestClient

import kaoping.scheme
import kaoping.web
from kaoping.demo.build import build_demo, demo_logins
from kaoping.demo.city import UNITS
from kaoping.facts.columns import FILES
from kaoping.roles import Role
from kaoping.server import create_app

BUILTIN = Path(kaoping.scheme.__file__).resolve().parent / "builtin"
SECRET = "chinese-secret-" + "z" * 32
PAGES_PER_ROLE = 80
SKIPPED = re.compile(r"<(script|style|code|pre|svg|textarea)\b.*?</\1>", re.S | re.I)
"""Not read as the page's words: scripts, code, and a file's text given to edit (the 试算 draft's YAML)."""
TAG = re.compile(r"<[^>]+>")
HREF = re.compile(r'href="(/[^"#]*)"')
NOT_PAGES = re.compile(r"^/(static|api)/|\.(xlsx|pdf|yaml|csv|json|png|jpg)(\?|$)|[?&]lang=|/logout")
OTHER_SCHEMES = re.compile(r"^/schemes/(?!demo-city\b)[^/?]+")
"""The built-in schemes besides the demo's are example documents, described as their authors wrote them."""
FILE_NAME = re.compile(r"[\w.-]+\.(?:csv|png|jpe?g|webp|pdf|xlsx|yaml)\b", re.I)
CODE = re.compile(r"kaoping\s+[a-z]+(?:\s+--[\w-]+)+|[\w-]*\d[\w-]*|\b[a-z]+:[a-z_]+\b|\b[a-z]+(?:_[a-z]+)+\b")
"""A command line the office types (kaoping verify --audit), codes with digits (period keys, case numbers,
scheme names with a year), a row's source (demo:cases) and snake_case names (the English header an upload
also accepts, dispatched_at)."""
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
LATIN_ALLOWED = frozenset(
    {
        "kaoping",  # the product's name
        "MB", "KB", "px", "km", "m", "h",  # units
        "PDF", "Excel", "xlsx", "csv", "CSV", "YAML", "yaml", "pdf", "JSON",  # file kinds
        "Q", "Z",  # period keys (2024-Q3) and case numbers
        "English",  # the language switch names the language it switches to
        "JavaScript", "WebP", "PNG", "JPEG",  # names of technologies
    }
)  # fmt: skip
LATIN_CODE = re.compile(r"^[a-z]+\d+$|^[A-Z]+\d*$")
"""Unit ids (u1, d3), case numbers and account names of the demo (shown as the office typed them)."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('chinese')) / 'demo.db'}"
    build_demo(url, cases=300)
    with TestClient(create_app(url, secret=SECRET, schemes=["demo-city"])) as client:
        yield client


def visible_text(page: str) -> str:
    return html.unescape(TAG.sub(" ", SKIPPED.sub(" ", page)))


ELEMENT = re.compile(r"<([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*/?>")
ATTRIBUTE = re.compile(r"([\w:-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
READ_ATTRIBUTES = frozenset(
    {"title", "placeholder", "aria-label", "alt", "aria-description", "aria-roledescription", "aria-valuetext"}
)
"""Attributes whose text a browser shows (a tooltip, an empty field's hint, an image that did not load) or a
screen reader reads."""
BUTTON_TYPES = frozenset({"submit", "button", "reset"})
SHOWN_DATA = re.compile(r"[\u4e00-\u9fff]|\s")
"""A data-* attribute holding words (Chinese, or several words) is a message a script will show; one holding
a code (an id, a period, a key) is not read by a person."""


def attribute_text(page: str) -> str:
    """The attribute texts of ``page`` a person reads (outside scripts and styles), one per line."""
    out: list[str] = []
    for tag, attributes in ELEMENT.findall(re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)):
        values = {name.lower(): a if a or not b else b for name, a, b in ATTRIBUTE.findall(attributes)}
        out += [v for name, v in values.items() if name in READ_ATTRIBUTES]
        out += [v for name, v in values.items() if name.startswith("data-") and SHOWN_DATA.search(v)]
        if tag.lower() == "input" and values.get("type", "").lower() in BUTTON_TYPES and "value" in values:
            out.append(values["value"])
        if tag.lower() in ("optgroup", "option") and "label" in values:
            out.append(values["label"])
    return html.unescape("\n".join(out))


def test_attribute_text_reads_what_people_read() -> None:
    page = (
        '<a href="/x" title="Open it" data-unit="u1">x</a><input type="submit" value="Save" class="b">'
        '<input name=\'q\' placeholder=\'Search\'><img alt="A map" src="m.png"><input type="hidden" value="code">'
        '<optgroup label="Months"></optgroup><button aria-label="Close" data-failed="操作失败 now">'
        "<script>var t = \"<b title='Hidden'>\";</script>"
    )
    assert attribute_text(page).splitlines() == [
        "Open it",
        "Save",
        "Search",
        "A map",
        "Months",
        "Close",
        "操作失败 now",
    ]


def english_words(text: str, codes: frozenset[str]) -> set[str]:
    """The Latin words of ``text`` that are neither allowed nor one of the store's codes (or a file name)."""
    return {
        w
        for w in WORD.findall(CODE.sub(" ", FILE_NAME.sub(" ", text)))
        if w not in LATIN_ALLOWED | codes and not LATIN_CODE.match(w)
    }


def store_codes() -> frozenset[str]:
    """The codes the demo's office uses: account names, unit ids and the built-in schemes' names."""
    schemes = (Path(scheme_file).stem for scheme_file in BUILTIN.glob("*.yaml"))
    return frozenset([*(login.username for login in demo_logins()), *(u.unit_id for u in UNITS), *schemes])


def page_shape(href: str) -> str:
    """One page of each kind: ids and periods in the path and the query's values do not make a new page."""
    parts = urlsplit(href)
    keys = sorted(q.split("=")[0] for q in parts.query.split("&") if q)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


def walk(client: TestClient, start: list[str]) -> Iterator[tuple[str, str]]:
    """(href, page) of every page reachable from ``start`` by the links it shows, one of each shape."""
    seen: set[str] = set()
    todo = list(start)
    while todo and len(seen) < PAGES_PER_ROLE:
        href = todo.pop(0)
        if page_shape(href) in seen or NOT_PAGES.search(href) or OTHER_SCHEMES.search(href):
            continue
        seen.add(page_shape(href))
        r = client.get(href)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            continue
        yield href, r.text
        todo += [html.unescape(h) for h in HREF.findall(r.text)]


def one_login_per_role() -> list[tuple[str, str]]:
    chosen: dict[Role, tuple[str, str]] = {}
    for login in demo_logins():
        chosen.setdefault(login.role, (login.username, login.password))
    return [(role.value, *chosen[role]) for role in chosen] + [("public", "", "")]


@pytest.mark.parametrize(("role", "username", "password"), one_login_per_role())
def test_no_english_on_any_page(demo: TestClient, role: str, username: str, password: str) -> None:
    demo.cookies.clear()
    if username:
        r = demo.post("/api/auth/login", json={"username": username, "password": password})
        assert r.status_code == 200, r.text
    codes = store_codes()
    found: dict[str, set[str]] = {}
    pages = attributes = 0
    for href, page in walk(demo, ["/", "/public", "/login", *landing(demo)]):
        pages += 1
        attributes += len(attribute_text(page).splitlines())
        words = english_words(visible_text(page), codes)
        if words:
            found[href] = words
        if attributed := english_words(attribute_text(page), codes):
            found[f"{href} (attributes)"] = attributed
    assert pages > 3, f"{role} reached only {pages} pages"
    assert attributes > 2 * pages, f"{role}: only {attributes} attribute texts on {pages} pages"  # the check reads
    assert not found, f"{role} reads English: {found}"


def landing(client: TestClient) -> list[str]:
    return [h for h in HREF.findall(client.get("/public").text) if not NOT_PAGES.search(h)]


def form_csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert found is not None, path
    return found.group(1)


BAD_CSV = "日期,单位,扣分项目,细项,扣分\n2024-13-01,东湖区,日常巡查,环境卫生,两分\n".encode()
COLUMN_CODES = frozenset(c.name for columns in FILES.values() for c in columns)
"""The English header names an upload's message lists beside the Chinese ones it accepts (dispatched_at)."""


def test_no_english_on_error_pages(demo: TestClient) -> None:
    """What a clerk meets when something goes wrong: upload errors, password errors, an unknown address."""
    office = demo_logins()[0]
    demo.cookies.clear()
    assert demo.post("/api/auth/login", json={"username": office.username, "password": office.password}).is_success
    uploads = [("x.csv", BAD_CSV, kind) for kind in ("deductions", "scores", "honors", "cases")]
    uploads.append(("x.xlsx", b"PK\x03\x04 not a workbook", "deductions"))
    pages = {
        f"upload {kind} {name}": demo.post(
            "/entry/upload", data={"csrf": form_csrf(demo, "/entry"), "kind": kind}, files={"file": (name, body)}
        )
        for name, body, kind in uploads
    }
    for old, new in ((office.password, "short"), (office.password, "password12"), ("wrong-one", "a-new-pw-2024")):
        fields = {"csrf": form_csrf(demo, "/account/password"), "old_password": old, "new_password": new, "again": new}
        pages[f"password {new}"] = demo.post("/account/password", data=fields)
    pages["unknown address"] = demo.get("/no-such-page")
    codes = store_codes() | COLUMN_CODES
    assert all(r.status_code in (404, 422) for r in pages.values()), {k: r.status_code for k, r in pages.items()}
    shown = {what: visible_text(r.text) + "\n" + attribute_text(r.text) for what, r in pages.items()}
    found = {what: words for what, text in shown.items() if (words := english_words(text, codes))}
    assert not found, f"English on error pages: {found}"


def test_an_unknown_api_address_stays_json(demo: TestClient) -> None:
    r = demo.get("/api/no-such-thing")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")


CODE_COLUMNS = frozenset({"标记"})
"""Columns that hold codes on purpose (the flags' codes, with their Chinese names in 问责标记 beside)."""


def workbook_words(content: bytes, codes: frozenset[str]) -> dict[str, set[str]]:
    """(sheet: English words) of every sheet name and text cell, outside the code columns."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    found: dict[str, set[str]] = {}
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows(values_only=True))
        skipped = {i for i, head in enumerate(rows[0] if rows else ()) if head in CODE_COLUMNS}
        texts = [sheet.title] + [
            v for row in rows for i, v in enumerate(row) if isinstance(v, str) and i not in skipped
        ]
        words = set().union(*(english_words(text, codes) for text in texts))
        if words:
            found[sheet.title] = words
    return found


def test_no_english_in_the_pages_workbooks(demo: TestClient) -> None:
    """The Excel the pages give in Chinese mode: the bulletin, the case metrics, a unit's case list and the
    entry template."""
    office = demo_logins()[0]
    demo.cookies.clear()
    assert demo.post("/api/auth/login", json={"username": office.username, "password": office.password}).is_success
    unit = UNITS[0].unit_id
    downloads = [
        "/periods/demo-city/2024-Q3/bulletin.xlsx",
        "/periods/demo-city/2024-09/bulletin.xlsx",
        "/cases/metrics.xlsx?period=2024-Q3",
        f"/units/{unit}/cases.xlsx?period=2024-Q3",
        "/entry/template.xlsx",
    ]
    found = {}
    for href in downloads:
        r = demo.get(href)
        assert r.status_code == 200 and r.content.startswith(b"PK"), href
        if words := workbook_words(r.content, store_codes()):
            found[href] = words
    assert not found, f"English in workbooks: {found}"


# --- our scripts --------------------------------------------------------------------------------------

STATIC = Path(kaoping.web.__file__).resolve().parent / "static"
JS_COMMENT = re.compile(r"/\*.*?\*/|^\s*//.*$", re.S | re.M)
JS_LITERAL = re.compile(r"\"((?:[^\"\\\n]|\\.)*)\"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`")
SHOWN_BY_JS = re.compile(
    r"\.(?:textContent|innerText|innerHTML|title|placeholder|alt|label)\s*\+?=(?!=)|"
    r"\b(?:alert|confirm|prompt|insertAdjacentHTML)\(|"
    r"setAttribute\(\s*[\"'](?:title|aria-label|alt|placeholder)[\"']\s*,|"
    r"\b(?:name|text|subtext)\s*:(?=\s*[\"'`])"
)
"""Where a script puts text before a person: an element's text or tooltip, a dialog, a chart's name or title;
what follows (the assigned expression, the call's arguments, the option's value) is what the person reads."""
LOOKUP = re.compile(r"(?:querySelector(?:All)?|getElementById|closest|matches)\([^()]*\)")
"""Finding an element (by a selector or an id) inside a shown expression reads no text to anyone."""
BROWSER_ENGLISH = re.compile(r"\.statusText\b|\+\s*(?:e|err|error|exc)\s*[;)+]|String\((?:e|err|error|exc)\)")
"""The browser's own words: an HTTP reason phrase (Not Found) or an exception's message (TypeError: Failed to
fetch) — English whatever the page's language; a script says what went wrong in the page's words instead."""
HAN = re.compile(r"[\u4e00-\u9fff]")
"""Chinese written into a script stays Chinese in English: what a script shows comes from the page."""
JS_PROSE = re.compile(r"[A-Za-z]+ +[A-Za-z]+")
JS_NOT_PROSE = frozenset({"use strict"})


def shown_expression(line: str, sink: re.Match[str]) -> str:
    """What the sink at ``sink`` shows: an assignment's right side up to ``;``, a call's arguments up to the
    closing parenthesis, an option's value up to ``,`` or ``}`` (within one line: our scripts keep to that)."""
    rest = line[sink.end() :]
    if sink.group(0).endswith("("):
        depth = 1
        for i, c in enumerate(rest):
            depth += {"(": 1, ")": -1}.get(c, 0)
            if depth == 0:
                return LOOKUP.sub(" ", rest[:i])
        return LOOKUP.sub(" ", rest)
    stop = re.search(r"[;}]" if "=" in sink.group(0) else r"[,}]", rest)
    return LOOKUP.sub(" ", rest[: stop.start()] if stop else rest)


def _script_lines() -> Iterator[tuple[str, int, str]]:
    """(file, line number, code without comments) of every line of our own scripts (not vendor/)."""
    for path in sorted(STATIC.glob("*.js")):
        text = JS_COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
        for number, line in enumerate(text.splitlines(), start=1):
            yield path.name, number, line


def _literals(line: str) -> list[str]:
    return [next(g for g in m.groups() if g is not None) for m in JS_LITERAL.finditer(line)]


def test_no_english_in_our_scripts() -> None:
    """Our scripts show only the page's own (translated) texts: no literal a person reads is English or
    Chinese (it could not follow the language switch), no line puts the browser's English before a person,
    and no literal anywhere is an English sentence."""
    found: list[str] = []
    for name, number, line in _script_lines():
        where = f"{name}:{number}"
        literals = _literals(line)
        if BROWSER_ENGLISH.search(line):
            found.append(f"{where}: the browser's English shown: {line.strip()}")
        for sink in SHOWN_BY_JS.finditer(line):
            shown = _literals(shown_expression(line, sink))
            found += [f"{where}: {lit!r} shown" for lit in shown if english_words(lit, frozenset())]
            found += [f"{where}: {lit!r} cannot follow the English switch" for lit in shown if HAN.search(lit)]
        found += [f"{where}: {lit!r}" for lit in literals if lit not in JS_NOT_PROSE and JS_PROSE.search(lit)]
    assert not found, "English in our scripts:\n" + "\n".join(found)


def test_the_script_check_finds_english() -> None:
    """The check above is not blind: lines like those it must refuse are refused."""
    assert BROWSER_ENGLISH.search("} catch (e) { detail = r.statusText; }")
    assert BROWSER_ENGLISH.search('errBox.textContent = panel.dataset.failed + "：" + e;')
    line = 'box.textContent = "Saved";'
    sink = SHOWN_BY_JS.search(line)
    assert sink and _literals(shown_expression(line, sink)) == ["Saved"] and english_words("Saved", frozenset())
    line = 'if (step === "advance" && !window.confirm(box.querySelector("#q").textContent + "?")) { run("x"); }'
    sink = SHOWN_BY_JS.search(line)
    assert sink and _literals(shown_expression(line, sink)) == ["?"]
    assert JS_PROSE.search("Upload failed")
    assert not BROWSER_ENGLISH.search("li.textContent = e.message;")  # an API answer: the page's own words
    line = 'yAxis: { type: "value", name: "总分", scale: true },'  # stays Chinese in English
    sink = SHOWN_BY_JS.search(line)
    assert sink and HAN.search(_literals(shown_expression(line, sink))[0])
