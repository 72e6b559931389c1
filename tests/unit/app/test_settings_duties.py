"""The separation-of-duties setting: on unless told otherwise, an argument wins over the environment."""

from __future__ import annotations

import pytest

from kaoping.app.context import load_settings, separation_of_duties


def test_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KAOPING_SEPARATION_OF_DUTIES", raising=False)
    assert load_settings(None, secret="s").separation_of_duties is True
    assert separation_of_duties() is True


@pytest.mark.parametrize(("raw", "expected"), [("0", False), ("off", False), ("No", False), ("1", True), ("on", True)])
def test_the_environment(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("KAOPING_SEPARATION_OF_DUTIES", raw)
    assert load_settings(None, secret="s").separation_of_duties is expected


def test_an_argument_wins_and_a_typo_stops(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KAOPING_SEPARATION_OF_DUTIES", "off")
    assert load_settings(None, secret="s", separation_of_duties=True).separation_of_duties is True
    monkeypatch.setenv("KAOPING_SEPARATION_OF_DUTIES", "maybe")
    with pytest.raises(ValueError, match="KAOPING_SEPARATION_OF_DUTIES"):
        load_settings(None, secret="s")
