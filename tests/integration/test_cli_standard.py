"""`kaoping standard export` then `import`: the built-in nansha standard through Excel and back to YAML, which a
scheme file beside it then loads."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kaoping.cli import app
from kaoping.scheme import builtin_text, load_scheme


def test_export_import_and_use(tmp_path: Path) -> None:
    book, yaml_file = tmp_path / "std.xlsx", tmp_path / "std.yaml"
    result = CliRunner().invoke(app, ["--lang", "zh", "standard", "export", "nansha-standard", "--out", str(book)])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["--lang", "zh", "standard", "import", str(book), "--out", str(yaml_file)])
    assert result.exit_code == 0, result.output
    assert "22 个问题类型" in result.output
    text = builtin_text("nansha")
    assert text is not None
    (tmp_path / "nansha.yaml").write_text(text.replace("standard: nansha-standard", "standard: std.yaml"))
    scheme = load_scheme(str(tmp_path / "nansha.yaml"))
    assert scheme.catalogue is not None and len(scheme.catalogue.kinds()) == 22
    bad = CliRunner().invoke(app, ["--lang", "zh", "standard", "import", str(yaml_file), "--out", str(book)])
    assert bad.exit_code == 2 and "无法作为 .xlsx 工作簿打开" in bad.output
