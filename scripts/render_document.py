"""Render issued Word documents (or the default templates filled with the sample
context) to PNG, to look at their 公文 layout: for the docs and screenshots, not the suite.

Usage:
    QINGFENG_VAR_DIR=/tmp/qf-x .venv/bin/python scripts/render_document.py OUT_DIR [ID …]

With document ids, those issued documents (as stored, frozen) of the database of
``QINGFENG_VAR_DIR``; without, one per kind of the default templates filled with
``documents.selectors.SAMPLE_CONTEXT`` (no database needed). Each .docx is converted to
PDF by LibreOffice (``soffice --headless --convert-to pdf``), then the PDF's first page to
PNG by ``pdftoppm`` when it is installed, else by Chromium's PDF viewer through
Playwright (/usr/bin/chromium). The PNG shows whatever fonts the machine has: without
仿宋_GB2312/方正小标宋 it shows their fallback (docs/documents.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingfeng.settings")


def to_pdf(docx: Path, out: Path) -> Path:
    """The PDF LibreOffice makes of ``docx``, in ``out``."""
    profile = Path(tempfile.mkdtemp(prefix="qf-lo-"))
    subprocess.run(
        [
            "soffice",
            "--headless",
            f"-env:UserInstallation=file://{profile}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    shutil.rmtree(profile, ignore_errors=True)
    return out / f"{docx.stem}.pdf"


def to_png(pdf: Path, png: Path) -> None:
    """The PDF's first page as PNG (pdftoppm, else Chromium's PDF viewer)."""
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "110",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(pdf),
                str(png.with_suffix("")),
            ],
            check=True,
            timeout=120,
        )
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1000, "height": 1400})
        # The viewer's own toolbar and margins are cropped: the page fits the view.
        page.goto(f"file://{pdf}#toolbar=0&view=FitH")
        page.wait_for_timeout(4000)
        page.screenshot(path=str(png))
        browser.close()


def main() -> None:
    out = Path(sys.argv[1]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    ids = [int(arg) for arg in sys.argv[2:]]
    import django

    django.setup()
    from qingfeng.documents.models import DocumentKind, IssuedDocument
    from qingfeng.documents.selectors import SAMPLE_CONTEXT, default_template
    from qingfeng.lib.documents import render_docx

    work = Path(tempfile.mkdtemp(prefix="qf-docs-"))
    files: list[Path] = []
    if ids:
        for document in IssuedDocument.objects.filter(pk__in=ids).order_by("pk"):
            path = work / f"document-{document.pk}.docx"
            path.write_bytes(bytes(document.content))
            files.append(path)
    else:
        for kind in DocumentKind.values:
            path = work / f"{kind}.docx"
            path.write_bytes(render_docx(default_template(kind), SAMPLE_CONTEXT))
            files.append(path)
    for docx in files:
        png = out / f"{docx.stem}.png"
        to_png(to_pdf(docx, work), png)
        print(png)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
