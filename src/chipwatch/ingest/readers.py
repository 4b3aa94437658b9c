"""Documents in: plain text, HTML and PDF, read into paragraphs of plain text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from chipwatch.errors import ChipwatchError, first_line

_BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section", "article",
          "blockquote", "td", "th", "dd", "dt", "pre", "table", "ul", "ol", "header", "footer"}
_SKIP = {"script", "style", "noscript", "template", "head"}


@dataclass(frozen=True)
class Document:
    """A document's text as we hold it (what quotes are checked against) and its kind."""

    text: str
    kind: str  # text | html | pdf

    def paragraphs(self) -> list[str]:
        """Paragraphs: blocks separated by blank lines, each joined onto one line."""
        blocks = re.split(r"\n\s*\n", self.text)
        return [p for p in (_join(b) for b in blocks) if p]


_HAN_BREAK = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s*\n\s*(?=[\u3000-\u9fff\uff00-\uffef])")


def _join(block: str) -> str:
    """One paragraph on one line: a line break between Chinese characters is dropped (it is
    no space), other runs of white space become one space."""
    return " ".join(_HAN_BREAK.sub("", block.strip()).split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data) -> None:
        if not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML page, one paragraph per block element."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def pdf_text(path: Path) -> str:
    """The text of a PDF (pypdf), pages separated by blank lines."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ChipwatchError(f"{path}: not a readable PDF ({first_line(exc, 80)}); give a PDF, HTML or UTF-8 text file") from None
    text = "\n\n".join(pages)
    if not text.strip():
        raise ChipwatchError(f"{path}: the PDF has no text layer (a scan?); give its text as a .txt file")
    return text


def read_document(path: Path) -> Document:
    """Read a .txt/.md, .html/.htm or .pdf file; other names are read as text if UTF-8."""
    if not path.is_file():
        raise ChipwatchError(f"{path}: no such file; give a .txt, .html or .pdf file, or a folder of them")
    suffix = path.suffix.lower()
    if suffix == ".pdf" or path.read_bytes()[:5] == b"%PDF-":
        return Document(pdf_text(path), "pdf")
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ChipwatchError(f"{path}: not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    if suffix in (".html", ".htm", ".xhtml") or re.match(r"\s*(<!doctype html|<html)", raw, re.I):
        return Document(html_text(raw), "html")
    return Document(raw.replace("\r\n", "\n"), "text")


def document_files(path: Path) -> list[Path]:
    """The file itself, or the readable files in a folder (sorted)."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in
                       (".txt", ".md", ".html", ".htm", ".pdf"))
        if not files:
            raise ChipwatchError(f"{path}: no .txt, .md, .html or .pdf files in this folder")
        return files
    return [path]
