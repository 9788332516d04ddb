"""HTML and PDF of the documents (WeasyPrint), one layout shared by every document.

- Templates are keyed by the round's legal basis: `templates/dossiers/<template_set>/<name>.html`
  (nd98_2023, nd152_2025, ...). A new decree is a new folder: no code change. Each template
  renders one `<section class="doc">`; `dossiers/base.html` wraps one or many sections with the
  Nghị định 30/2020 stylesheet, so a single document and a whole stage dossier are laid out
  identically, and a dossier is ONE WeasyPrint pass (fonts and styles parsed once).
- Fonts: Liberation Serif 2.1 (metric-compatible with Times New Roman, full Vietnamese
  coverage, SIL OFL 1.1) shipped in static/fonts/ and embedded through @font-face. The Debian
  package fonts-liberation is version 1.07, which has no Vietnamese letters (ơ, ư, ạ...), so the
  system font is not used.
- A worker has no request: `PortalURLFetcher` maps STATIC_URL (and SITE_URL + STATIC_URL) to the
  files on disk and refuses everything else (no network access while rendering). MEDIA is never
  fetched: documents embed nothing from uploads.
"""
from __future__ import annotations

import atexit
import base64
import functools
import io
import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string, select_template
from django.utils.html import strip_spaces_between_tags

from campaigns.text import clean_text
from dossiers.errors import DossierError
from dossiers.kinds import KINDS

logger = logging.getLogger(__name__)
# WeasyPrint logs every layout step at INFO; a worker building hundreds of pages keeps warnings only.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
# fontTools (WeasyPrint's font subsetter when HarfBuzz's is missing) logs every glyph list at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


class TemplateSetMissing(DossierError):
    """The round's legal basis names a template set that has no template for this document."""


def template_name(source: dict) -> str:
    """The template (and the key of the form's number in the legal basis's `forms`) of a document.
    A báo cáo thành tích follows the form the legal basis gives for the round's kind of award and
    the nominee (campaigns.report_forms: a movement's report, Mẫu số 08 of Nghị định 98/2023, for
    a round of a movement) when its template set has it; otherwise the form for a collective or
    for an individual."""
    if source["kind"] != "bao_cao_thanh_tich":
        return KINDS[source["kind"]].template()
    form = source.get("form") or {}
    wanted = form.get("template")
    if wanted and has_template(source["round"]["template_set"], wanted):
        return wanted
    return KINDS[source["kind"]].template(source["variant"])


@functools.lru_cache(maxsize=64)
def has_template(template_set: str, name: str) -> bool:
    from django.template import TemplateDoesNotExist

    try:
        select_template([f"dossiers/{template_set}/{name}.html"])
    except TemplateDoesNotExist:
        return False
    return True


def section_html(source: dict, meta: dict) -> str:
    """One document's <section>, from the template of its round's legal basis."""
    template_set = source["round"]["template_set"]
    name = f"dossiers/{template_set}/{template_name(source)}.html"
    try:
        template = select_template([name])
    except Exception as error:  # TemplateDoesNotExist, with the name in the message
        raise TemplateSetMissing(
            f"Thiếu mẫu văn bản {name} (bộ mẫu \"{template_set}\" của căn cứ pháp lý của đợt)."
        ) from error
    # Whitespace between tags only makes WeasyPrint build (and drop) anonymous boxes.
    return strip_spaces_between_tags(template.render({"s": source, "meta": meta}).strip())


def document_html(sections: list[str], *, title: str = "", cover: str = "", inline_css: bool = False) -> str:
    """The HTML of one or many sections. The stylesheet (dossiers/document.css) is parsed once per
    worker thread and given to WeasyPrint separately (`inline_css` puts it in the page instead,
    to look at the HTML in a browser)."""
    return render_to_string("dossiers/base.html", {"sections": sections, "title": title, "cover": cover, "inline_css": inline_css})


# --- QR codes ------------------------------------------------------------------------------------


def verification_url(code: str) -> str:
    from django.urls import reverse

    return f"{settings.SITE_URL}{reverse('dossier_verify', args=[code])}"


@functools.lru_cache(maxsize=512)
def qr_data_uri(url: str) -> str:
    """A 1-bit PNG of the QR code (drawn without interpolation: crisp at any size). A PNG, not
    an SVG: WeasyPrint draws an SVG path of a QR code in Python, ~0.2 s per document."""
    return "data:image/png;base64," + base64.b64encode(qr_png_bytes(url)).decode("ascii")


@functools.lru_cache(maxsize=512)
def qr_png_bytes(url: str) -> bytes:
    import qrcode

    code = qrcode.QRCode(box_size=4, border=1, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    code.make(fit=True)
    image = code.make_image().convert("1")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# --- WeasyPrint ------------------------------------------------------------------------------------


def _url_fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PortalURLFetcher(URLFetcher):
        """Static files from disk; data: URIs; nothing else (no network, no uploads)."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_path_for(url)
            if path is None:
                raise ValueError(f"Không tải tài nguyên ngoài khi tạo văn bản: {url}")
            content_type = mimetypes.guess_type(str(path))[0] or "application/octet-stream"
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": content_type})

    return PortalURLFetcher


def static_path_for(url: str) -> Path | None:
    """The file on disk behind a STATIC_URL (relative, absolute or file://) address, or None."""
    parts = urlsplit(url)
    path = unquote(parts.path)
    if parts.scheme == "file":
        candidate = Path(path).resolve()
        roots = [Path(d).resolve() for d in settings.STATICFILES_DIRS] + [Path(settings.STATIC_ROOT).resolve()]
        return candidate if candidate.is_file() and any(candidate.is_relative_to(r) for r in roots) else None
    if parts.scheme in ("http", "https"):
        site = urlsplit(settings.SITE_URL)
        if parts.netloc != site.netloc:
            return None
    elif parts.scheme:
        return None
    if not path.startswith(settings.STATIC_URL):
        return None
    relative = path[len(settings.STATIC_URL):]
    if ".." in Path(relative).parts:
        return None
    found = finders.find(relative)
    if found:
        return Path(found)
    candidate = Path(settings.STATIC_ROOT) / relative
    return candidate if candidate.is_file() else None


_local = threading.local()


@atexit.register
def _release_fonts():
    """Drop this thread's FontConfiguration before interpreter shutdown: its __del__ removes a
    temporary folder and fails noisily once the modules it uses are gone."""
    for name in ("stylesheet", "font_config"):
        if hasattr(_local, name):
            delattr(_local, name)


def font_config():
    """One FontConfiguration per thread (a worker process renders many documents)."""
    from weasyprint.text.fonts import FontConfiguration

    config = getattr(_local, "font_config", None)
    if config is None:
        config = _local.font_config = FontConfiguration()
    return config


def stylesheet():
    """The documents' stylesheet, parsed once per thread (with its @font-face fonts registered in
    that thread's FontConfiguration): a single report does not pay for parsing it again."""
    from weasyprint import CSS

    css = getattr(_local, "stylesheet", None)
    if css is None:
        css = _local.stylesheet = CSS(
            string=render_to_string("dossiers/document.css"), base_url=settings.SITE_URL + "/",
            url_fetcher=_url_fetcher_class()(), font_config=font_config(),
        )
    return css


def render_document(html: str):
    """Lay out `html` once: the returned weasyprint Document writes the whole PDF. Control
    characters (in text stored before input was cleaned) are dropped first: WeasyPrint would print
    them as empty boxes."""
    from weasyprint import HTML

    fetcher = _url_fetcher_class()()
    return HTML(string=clean_text(html), base_url=settings.SITE_URL + "/", url_fetcher=fetcher).render(
        font_config=font_config(), stylesheets=[stylesheet()]
    )


def write_pdf(document) -> bytes:
    return document.write_pdf()


def member_pdfs(document, ranges: list[tuple[int, int]], titles: list[str]) -> list[bytes]:
    """The PDF of each member of a stage dossier, from the pages [first, last) of its one layout:
    painted again from the laid-out pages (no second layout), each with the font subsets of its
    own text, so that a member is as small as the document built alone (cutting the merged file
    with pypdf gave every member the whole dossier's subsets: 2.6x the size, for the same time).
    Deterministic: WeasyPrint writes no date or random identifier."""
    import copy

    pieces = []
    for (first, last), title in zip(ranges, titles, strict=True):
        member = document.copy(document.pages[first:last])
        member.metadata = copy.copy(document.metadata)
        member.metadata.title = title
        pieces.append(member.write_pdf())
    return pieces


def html_to_pdf(html: str) -> tuple[bytes, int]:
    document = render_document(html)
    return write_pdf(document), len(document.pages)
