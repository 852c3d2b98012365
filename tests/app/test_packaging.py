"""The wheel stands on its own, and the dependency floors and licence are what they must be.

The wheel is built from this tree and installed into a fresh virtual environment, away from the
source folder: `bietphai run` with no token must still open the console on the sample
organisation, which therefore ships inside the package.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import venv
import zipfile
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.app import SAMPLE_WORKBOOK
from handlers.core.workcal import WorkingCalendar
from testing.bot_process import PATIENCE

ROOT = Path(__file__).resolve().parents[2]


def run(*command: str | Path, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """A command whose failure shows its output."""
    result = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        check=False,
    )
    assert result.returncode == 0, f"{command}: {result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_installs_alone_and_run_opens_the_console_on_the_sample(tmp_path: Path) -> None:
    """pip install bietphai-*.whl into a fresh venv, then `bietphai run` with no token."""
    # Built from a copy of what the wheel is made of: setuptools leaves build/ in its source.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, source / name)
    caches = shutil.ignore_patterns("__pycache__")
    for package in ("bot", "handlers", "storage"):
        shutil.copytree(ROOT / package, source / package, ignore=caches)
    dist = tmp_path / "dist"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, source, cwd=tmp_path)
    wheels = list(dist.glob("bietphai-*.whl"))
    assert len(wheels) == 1, wheels
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
        header = wheel.read(metadata).decode()
    assert "bot/samples/org-sample.xlsx" in names
    assert any(n.startswith("storage/migrations/0001_") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in header
    assert not any(n.startswith("tests/") for n in names)

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    run(env_dir / "bin" / "pip", "install", "--quiet", "--no-compile", wheels[0], cwd=tmp_path)
    empty = tmp_path / "somewhere-else"
    empty.mkdir()
    bietphai = env_dir / "bin" / "bietphai"
    version = run(bietphai, "--version", cwd=empty)
    assert version.stdout.strip() == f"bietphai {project()['version']}"
    # stdin is closed: the console chat opens on the sample, then ends at end of input. The
    # install was --no-compile, so this first start compiles what it imports: slow on a loaded
    # machine, hence the deadline of a bot process start (it ends when the process does).
    result = subprocess.run(
        [str(bietphai), "run"],
        cwd=empty,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Chưa cấu hình kênh nào. Đặt TELEGRAM_BOT_TOKEN")
    assert "Đang chat với tư cách: " in result.stdout
    assert "Traceback" not in result.stderr


def project() -> dict[str, object]:
    """The [project] table of pyproject.toml."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        return dict(tomllib.load(file)["project"])


def test_the_packaged_sample_is_the_examples_workbook() -> None:
    """examples/make_org_sample.py writes both; they never drift apart."""
    assert SAMPLE_WORKBOOK.read_bytes() == (ROOT / "examples" / "org-sample.xlsx").read_bytes()


def test_the_licence_is_mit_as_an_spdx_expression_with_its_file() -> None:
    """license = "MIT" (SPDX), and the LICENSE file says so."""
    assert project()["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_dependency_floors_that_matter() -> None:
    """holidays knows 2026's substituted days; aiohttp has the server-side security fixes."""
    dependencies = project()["dependencies"]
    assert isinstance(dependencies, list)
    assert "holidays>=0.109" in dependencies
    assert "aiohttp>=3.14.3,<4" in dependencies


def test_vietnams_2026_substituted_day_off_is_known() -> None:
    """Monday 31/08/2026 is off in exchange for Saturday 22/08/2026 (an old holidays misses it)."""
    calendar = WorkingCalendar(ZoneInfo("Asia/Ho_Chi_Minh"))
    assert not calendar.is_working_day(date(2026, 8, 31))
    assert calendar.holiday_name(date(2026, 8, 31)) == "Ngày nghỉ (thay cho ngày 22/08/2026)"
    assert calendar.next_working_day(date(2026, 8, 28)) == date(2026, 9, 3)
