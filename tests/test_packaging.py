"""A built wheel works without the checkout: the prompt templates and the report
templates ship inside the package."""

from __future__ import annotations

import json
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from summarizer.prompts import Prompts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout, unpacked as its own site directory."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: setuptools writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("summarizer", "prompts"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(work), str(source)],
        capture_output=True, text=True,
    )
    assert built.returncode == 0, built.stderr  # setuptools and wheel come with the dev extra
    (wheel,) = work.glob("summarizer-*.whl")
    target = work / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def _run(installed: Path, code: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # -S: no site processing, so the checkout's editable-install hook (a .pth file) is not
    # loaded; the dependencies come from this interpreter's site-packages, the package from
    # the unpacked wheel, which comes first.
    path = [str(installed), *site.getsitepackages()]
    prelude = f"import sys; sys.path[:0] = {path!r}; "
    return subprocess.run([sys.executable, "-S", "-c", prelude + code], cwd=cwd, capture_output=True, text=True)


def test_the_wheel_holds_every_template(installed: Path) -> None:
    shipped = {p.name for p in (installed / "summarizer" / "prompt_templates").glob("*.j2")}
    assert shipped == {p.name for p in (ROOT / "prompts").glob("*.j2")}
    reports = {p.name for p in (installed / "summarizer" / "reports" / "templates").glob("*.j2")}
    assert reports == {p.name for p in (ROOT / "summarizer" / "reports" / "templates").glob("*.j2")}
    modules = {p.relative_to(installed).as_posix() for p in installed.rglob("*.py")}
    assert modules == {p.relative_to(ROOT).as_posix() for p in (ROOT / "summarizer").rglob("*.py")}


def test_the_installed_package_renders_its_own_prompts(installed: Path, tmp_path: Path) -> None:
    code = (
        "import summarizer, summarizer.prompts as p; "
        "print(summarizer.__file__); print(p.Prompts().directory); print(p.Prompts().hash)"
    )
    result = _run(installed, code, tmp_path)
    assert result.returncode == 0, result.stderr
    module, directory, digest = result.stdout.split()
    assert Path(module).is_relative_to(installed) and Path(directory).is_relative_to(installed)
    assert digest == Prompts(ROOT / "prompts").hash  # the same templates, byte for byte


def test_the_installed_package_runs_the_replayed_eval_with_its_reports(installed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    argv = ["eval", str(ROOT / "evals" / "news"), "--replay", str(ROOT / "evals" / "recordings"), "--out", str(out)]
    result = _run(installed, f"from summarizer.cli import main; main({argv!r})", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "<html" in (out / "report.html").read_text()
    assert "key issues" in (out / "report.md").read_text().lower()
    assert json.loads((out / "results.json").read_text())["passed"] is True
