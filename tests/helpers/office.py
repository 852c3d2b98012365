"""Real LibreOffice and poppler for the tests: convert to PDF, read fonts, text and page size.

`make test` installs them on a fresh Debian machine; where they are missing the test fails and
says what to install (never a silent skip).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"  # git-ignored: page 1 of each report, for review
PACKAGES = "libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fonts-liberation2"


def tool(name: str) -> str:
    """The path of a command-line tool, or a test failure naming the package to install."""
    found = shutil.which(name)
    if found is None:
        raise AssertionError(
            f"{name} is missing: run `make test` (it installs them) or "
            f"`apt-get install -y {PACKAGES}`"
        )
    return found


def to_pdf(source: Path, folder: Path) -> Path:
    """Convert a .docx or .xlsx to PDF with LibreOffice headless; the PDF's path."""
    soffice = tool("soffice")
    # A profile of its own: two conversions at once (parallel tests) never share one.
    with tempfile.TemporaryDirectory(prefix="bietphai-lo-") as profile:
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(folder),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    pdf = folder / (source.stem + ".pdf")
    assert pdf.exists(), f"LibreOffice did not convert {source.name}: {done.stdout}{done.stderr}"
    return pdf


@dataclass(frozen=True)
class PdfFont:
    """One line of pdffonts."""

    name: str
    embedded: bool


def fonts(pdf: Path) -> list[PdfFont]:
    """The fonts of a PDF and whether each is embedded."""
    out = subprocess.run(
        [tool("pdffonts"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type [type2] encoding emb sub uni object ID: 'emb' is the 5th field from the end.
        found.append(PdfFont(parts[0], parts[-5] == "yes"))
    return found


def text_of_page(pdf: Path, page: int) -> str:
    """The text of one page (pdftotext, layout kept)."""
    return subprocess.run(
        [tool("pdftotext"), "-layout", "-f", str(page), "-l", str(page), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def reading_text(pdf: Path) -> str:
    """The whole text in reading order (pdftotext's default: a wrapped cell stays together)."""
    return subprocess.run(
        [tool("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def info(pdf: Path) -> dict[str, str]:
    """pdfinfo's fields."""
    out = subprocess.run(
        [tool("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_size_pt(pdf: Path, page: int = 1) -> tuple[float, float]:
    """Width and height of a page in points."""
    out = subprocess.run(
        [tool("pdfinfo"), "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(rf"Page\s+{page} size:\s+([\d.]+) x ([\d.]+) pts", out)
    assert match, out
    return float(match.group(1)), float(match.group(2))


def screenshot(pdf: Path, name: str, page: int = 1) -> Path:
    """Page `page` rendered to SCREENSHOTS/<name>.png (pdftoppm), for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / name
    subprocess.run(
        [
            tool("pdftoppm"),
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(pdf),
            str(target),
        ],
        check=True,
    )
    png = target.with_suffix(".png")
    assert png.stat().st_size > 10_000, f"{png} looks empty"
    return png
