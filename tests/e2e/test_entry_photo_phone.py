"""录入扣分 with a photo on a 375 px phone (issue 15, point 3: inspectors attach photos from the form): the
demo's inspector fills the deduction form without scrolling sideways, attaches a camera picture, confirms the
entry checks' warning and saves; the row and its photo are stored together, the form shows the stored photo,
and the office's deduction page shows it as a photo of the problem.  A file that is no picture is refused
with its Chinese reason under the field, and nothing is saved.

The row lies outside demo-city's inspection window (07:30–20:00), so scoring excludes it and no other test's
numbers change.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from browser_testing import SCREENSHOTS, Site, fill_deduction
from images_testing import TEXT_AS_JPEG, image

PHONE = {"width": 375, "height": 812}
LOADED = "img => img.complete && img.naturalWidth > 0"


def _signed_in(browser: Browser, site: Site, role: str) -> tuple[Page, list[str]]:
    """A fresh phone-sized context signed in as the demo's account of ``role``, with its console errors."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    account = site.login_for(role)
    page.goto(site.base + "/login")
    page.fill("#username", account.username)
    page.fill("#password", account.password)
    with page.expect_navigation():
        page.click("#login-submit")
    return page, errors


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def test_an_inspector_enters_a_deduction_with_a_photo_on_a_phone(browser: Browser, site: Site, tmp_path: Path) -> None:
    page, errors = _signed_in(browser, site, "inspector")
    page.goto(site.base + "/entry#form-deductions")
    units = page.eval_on_selector_all("#deductions-unit_id option", "options => options.map(o => o.value)")
    unit = units[-1]
    row = {"day": "2024-12-12", "unit": unit, "part": "日常巡查", "item": "市容秩序", "points": "1"}
    fill_deduction(page, **row, problem="夜间占道堆放（现场拍照）")
    page.fill("#deductions-time", "21:30")
    assert page.get_attribute("#deductions-photo", "capture") == "environment"
    _no_sideways_scroll(page)

    # a file that is no picture: refused with its Chinese reason under the field, nothing saved
    fake = tmp_path / "现场.jpg"
    fake.write_bytes(TEXT_AS_JPEG)
    page.set_input_files("#deductions-photo", str(fake))
    page.click("#save-deductions")
    page.wait_for_function("() => document.getElementById('deductions-photo-error').textContent.length > 0")
    assert "不是 PNG、JPEG 或 WebP 图片" in page.inner_text("#deductions-photo-error")
    assert page.get_attribute("#deductions-photo", "aria-invalid") == "true"
    assert "夜间占道堆放" not in page.inner_text("#recent-deductions")

    # a camera picture: the entry checks ask to confirm the time, then row and photo are saved together
    photo = tmp_path / "IMG_0001.jpg"
    photo.write_bytes(image("JPEG", (640, 480), gps=True))
    page.set_input_files("#deductions-photo", str(photo))
    page.click("#save-deductions")
    page.wait_for_selector("#confirm-deductions:not([hidden])")
    page.check("#deductions-confirm")
    page.fill("#deductions-confirm-reason", "夜间专项巡查，现场拍照")
    with page.expect_response(lambda r: r.url.endswith("/entry/deductions/photo") and r.status == 200) as answer:
        page.click("#confirm-save-deductions")
    saved = answer.value.json()
    page.wait_for_function("() => document.getElementById('status-deductions').classList.contains('ok')")
    page.wait_for_function("() => document.querySelector('#recent-deductions').textContent.includes('夜间占道堆放')")
    shown = page.locator("#deductions-photo-saved")
    assert shown.evaluate(LOADED), "the form shows the stored photo"
    assert page.input_value("#deductions-photo") == ""
    _no_sideways_scroll(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # the phone's screen as the inspector sees it after saving: the end of the form, the photo, the status
    page.evaluate("document.getElementById('status-deductions').scrollIntoView({block: 'end'})")
    page.screenshot(path=str(SCREENSHOTS / "entry-phone.png"))
    # the refused photo (422) and the warning (409) are the only errors the browser logs
    assert all("422" in e or "409" in e for e in errors), errors
    page.context.close()

    office, office_errors = _signed_in(browser, site, "admin")
    office.goto(f"{site.base}/units/{unit}/deductions/{saved['row']['id']}")
    picture = office.locator(f"img#evidence-{saved['evidence_id']}")
    picture.wait_for()
    assert picture.evaluate(LOADED), "the deduction page shows the photo"
    assert "夜间占道堆放（现场拍照）" in office.inner_text("main")
    assert not office_errors, office_errors
    office.context.close()
