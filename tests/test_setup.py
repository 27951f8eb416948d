"""The README's set-up: `make test` installs what its tests need that pip cannot (Debian's chromium)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MISSING_BROWSER = "chromium-not-installed-here"
"""A browser command no machine has: `make` then takes the browser for missing."""
NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def _make(*arguments: str, as_user: list[str] | None = None, folder: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*(as_user or []), "make", "--no-print-directory", "-s", "-C", str(folder), *arguments],
                          capture_output=True, text=True, timeout=600)


def _makefile_an_ordinary_user_can_read() -> Path:
    """A copy of the Makefile in a folder of its own that any user may enter: the checkout may sit in one they cannot."""
    folder = Path(tempfile.mkdtemp(prefix="newsweave-make-"))
    folder.chmod(0o755)
    shutil.copy(ROOT / "Makefile", folder / "Makefile")
    (folder / "Makefile").chmod(0o644)
    return folder


def test_make_test_says_how_to_install_a_missing_browser_when_it_cannot(tmp_path: Path) -> None:
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to become an ordinary user")
    folder = _makefile_an_ordinary_user_can_read()
    try:
        result = _make("test-system-packages", f"CHROMIUM={MISSING_BROWSER}", as_user=NOBODY if os.getuid() == 0 else None,
                       folder=folder)
    finally:
        shutil.rmtree(folder)
    assert result.returncode == 2
    assert "sudo apt-get install chromium" in result.stderr


def test_make_test_says_how_to_install_a_missing_java_when_it_cannot(tmp_path: Path) -> None:
    if os.getuid() == 0 and shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv to become an ordinary user")
    folder = _makefile_an_ordinary_user_can_read()
    try:
        result = _make("test-system-packages", "JAVA=java-not-installed-here", as_user=NOBODY if os.getuid() == 0 else None,
                       folder=folder)
    finally:
        shutil.rmtree(folder)
    assert result.returncode == 2
    assert "sudo apt-get install openjdk-17-jre-headless" in result.stderr


def test_make_test_leaves_an_installed_browser_alone() -> None:
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed here")
    result = _make("test-system-packages")
    assert result.returncode == 0 and result.stdout == "" and result.stderr == ""


def test_ci_runs_the_readme_test_command_and_nothing_of_its_own() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert "make test" in script and "apt-get" not in script


def test_the_docs_cite_no_design_notes_outside_the_repository() -> None:
    documents = [ROOT / "README.md", ROOT / "BENCHMARKS.md", *ROOT.glob("docs/*.md"), *ROOT.glob("src/**/*.py"),
                 *ROOT.glob("bench/*.py")]
    citing = [str(path.relative_to(ROOT)) for path in documents
              if "DESIGN.md" in path.read_text(encoding="utf-8")]
    assert citing == []


def test_the_readme_says_how_to_reach_newsweave_after_make_demo() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ". .venv/bin/activate" in readme and ".venv/bin/newsweave" in readme
    activate = ROOT / ".venv" / "bin" / "activate"
    if not activate.exists():
        pytest.skip("no .venv/ here (make demo creates it)")
    result = subprocess.run(["bash", "-c", f". {activate} && newsweave --version"], capture_output=True, text=True,
                            timeout=120, cwd=ROOT, env={"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp")})
    assert result.returncode == 0, result.stderr
