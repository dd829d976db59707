"""Looking at PDF files the way a person would: their text, and a page as a picture."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pypdfium2


def pdf_text(path: Path) -> str:
    """The text of every page, as a reader extracts it."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def render_page(path: Path, png: Path, page: int = 0, scale: float = 1.5) -> Path:
    """Render one page to a PNG, to look at what a test wrote."""
    document = pypdfium2.PdfDocument(path)
    try:
        document[page].render(scale=scale).to_pil().save(png)
    finally:
        document.close()
    return png
