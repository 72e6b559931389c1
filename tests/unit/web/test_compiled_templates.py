"""Every page template is compiled when the pages are mounted (a fresh server's first dashboard view spent a
third of its time compiling), so a broken template stops the server at start, not on a user's request."""

from __future__ import annotations

import pytest
from jinja2 import TemplateSyntaxError

from kaoping.web import app as web_app


def test_every_template_is_compiled_and_a_broken_one_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    on_disk = sorted(
        p.relative_to(web_app.HERE / "templates").as_posix() for p in web_app.HERE.glob("templates/**/*.html")
    )
    assert web_app.compile_templates() == len(on_disk) > 40
    loader = web_app.templates.env.loader
    assert loader is not None
    broken = {"broken.html": "{% if %}"}

    def listed(*_args: object, **_kw: object) -> list[str]:
        return [*on_disk, *broken]

    real_source = loader.get_source

    def source(env: object, name: str) -> tuple[str, str | None, object]:
        if name in broken:
            return broken[name], None, lambda: True
        return real_source(env, name)  # type: ignore[arg-type]

    monkeypatch.setattr(web_app.templates.env, "list_templates", listed)
    monkeypatch.setattr(loader, "get_source", source)
    with pytest.raises(TemplateSyntaxError):
        web_app.compile_templates()
