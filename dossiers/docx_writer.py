"""Word (.docx) files from the same HTML section the PDF is printed from.

The document templates use a small vocabulary of elements and classes (the header table, the
document type, the summary, "Kính gửi", "Căn cứ" lines, body paragraphs, data tables, the
signature table, "Nơi nhận", the verification block, landscape lists). This module maps that
vocabulary to python-docx: A4, the margins of Nghị định 30/2020 (20/20/30/16 mm), Times New Roman,
page numbers centred in the header from page 2, a landscape section for the wide lists. So a new
decree's template set gets its Word files with no code change, and the PDF and the Word file of a
document say the same thing.

Output is deterministic (fixed core properties and zip timestamps): the same source gives the
same bytes, so a retried build replaces a file with an identical one.

Text is cleaned before it reaches python-docx (campaigns.text.clean_text): Word's manual line break
(\x0b) or a stray control character in text stored before input was cleaned would otherwise make
lxml refuse the run ("All strings must be XML compatible") and the document fail on every build.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import html as lxml_html

from campaigns.text import clean_text
from dossiers.rendering import qr_png_bytes

FONT = "Times New Roman"
BODY_SIZE = 14
INDENT = Mm(12.7)
PORTRAIT = (Mm(210), Mm(297))
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(16)}
TEXT_WIDTH_MM = 210 - 30 - 16
SPACE = re.compile(r"\s+")

# class -> (alignment, bold, italic, size, first-line indent, space before, space after)
PARAGRAPH_STYLES = {
    "form-ref": (WD_ALIGN_PARAGRAPH.RIGHT, False, True, 11, False, 0, 4),
    "draft-mark": (WD_ALIGN_PARAGRAPH.LEFT, True, False, 12, False, 0, 4),
    "parent": (WD_ALIGN_PARAGRAPH.CENTER, False, False, 13, False, 0, 0),
    "issuer": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 13, False, 0, 0),
    "national": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 12, False, 0, 0),
    "motto": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 13, False, 0, 0),
    "party-title": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 0, 0),
    "party-star": (WD_ALIGN_PARAGRAPH.CENTER, False, False, 13, False, 0, 0),
    "number": (WD_ALIGN_PARAGRAPH.CENTER, False, False, 13, False, 6, 0),
    "place-date": (WD_ALIGN_PARAGRAPH.CENTER, False, True, 14, False, 6, 0),
    "summary": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 0, 0),
    "authority": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 8, 8),
    "kinh-gui": (WD_ALIGN_PARAGRAPH.CENTER, False, False, 14, False, 6, 10),
    "decides": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 6, 6),
    "can-cu": (WD_ALIGN_PARAGRAPH.JUSTIFY, False, True, 14, True, 0, 6),
    "body": (WD_ALIGN_PARAGRAPH.JUSTIFY, False, False, 14, True, 0, 6),
    "center": (WD_ALIGN_PARAGRAPH.CENTER, False, False, 14, False, 0, 6),
    "subtitle": (WD_ALIGN_PARAGRAPH.CENTER, False, True, 14, False, 0, 8),
    "sig-authority": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 0, 0),
    "sig-note": (WD_ALIGN_PARAGRAPH.CENTER, False, True, 13, False, 0, 0),
    "sig-name": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 68, 0),
    "noi-nhan-title": (WD_ALIGN_PARAGRAPH.LEFT, True, True, 12, False, 0, 0),
    "noi-nhan-item": (WD_ALIGN_PARAGRAPH.LEFT, False, False, 11, False, 0, 0),
}
HEADING_STYLES = {
    "doc-type": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 14, 0),
    "section": (WD_ALIGN_PARAGRAPH.LEFT, True, False, 14, True, 8, 4),
    "center": (WD_ALIGN_PARAGRAPH.CENTER, True, False, 14, False, 0, 0),
}
DEFAULT_STYLE = (WD_ALIGN_PARAGRAPH.LEFT, False, False, 14, False, 0, 0)
PARTICULAR_STYLE = (WD_ALIGN_PARAGRAPH.LEFT, False, False, 14, False, 0, 6)


def _classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def _text(value: str | None) -> str:
    return SPACE.sub(" ", value or "")


class DocxBuilder:
    def __init__(self, *, title: str = "", author: str = "", date: dt.date | None = None):
        self.document = Document()
        self.date = date or dt.date(2024, 1, 1)
        self._setup(title, author)

    # --- page, fonts, numbering ---------------------------------------------------------------

    def _setup(self, title, author):
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name = FONT
        normal.font.size = Pt(BODY_SIZE)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
        normal.paragraph_format.space_before = Pt(0)
        normal.paragraph_format.space_after = Pt(0)
        normal.paragraph_format.line_spacing = 1.15
        section = self.document.sections[0]
        self._page(section, landscape=False)
        section.different_first_page_header_footer = True
        self._page_number_header(section)
        properties = self.document.core_properties
        moment = dt.datetime.combine(self.date, dt.time(8, 0))
        title, author = clean_text(title), clean_text(author)
        properties.title = title[:250]
        properties.author = author[:250]
        properties.last_modified_by = author[:250]
        properties.created = moment
        properties.modified = moment
        properties.revision = 1
        properties.language = "vi-VN"

    def _page(self, section, *, landscape):
        width, height = PORTRAIT
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (height, width) if landscape else (width, height)
        section.top_margin = MARGINS["top"]
        section.bottom_margin = MARGINS["bottom"]
        section.left_margin = MARGINS["left"]
        section.right_margin = MARGINS["right"]
        section.header_distance = Mm(10)

    def _page_number_header(self, section):
        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        self._font(run, size=13)
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)

    # --- runs and paragraphs --------------------------------------------------------------------

    @staticmethod
    def _font(run, *, bold=None, italic=None, size=None):
        """Only what differs from the Normal style (Times New Roman, 14 pt, regular): fewer XML
        nodes, a faster build, the same document."""
        if bold:
            run.bold = True
        if italic:
            run.italic = True
        if size and size != BODY_SIZE:
            run.font.size = Pt(size)

    def _runs(self, paragraph, element, *, bold, italic, size, first=True):
        pieces = []

        def walk(node, b, i):
            tag = node.tag if isinstance(node.tag, str) else ""
            b = b or tag in ("b", "strong")
            i = i or tag in ("i", "em")
            if tag == "br":
                pieces.append(("\n", b, i))
            elif node.text:
                pieces.append((_text(node.text), b, i))
            for child in node:
                walk(child, b, i)
                if child.tail:
                    pieces.append((_text(child.tail), b, i))

        walk(element, bold, italic)
        if pieces:
            text, b, i = pieces[0]
            pieces[0] = (text.lstrip(), b, i)
            text, b, i = pieces[-1]
            pieces[-1] = (text.rstrip(), b, i)
        for text, b, i in pieces:
            if not text:
                continue
            run = paragraph.add_run(text)
            self._font(run, bold=b, italic=i, size=size)

    def paragraph(self, container, element, style, *, text_override=None):
        align, bold, italic, size, indent, before, after = style
        paragraph = container.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        fmt.space_before = Pt(before)
        fmt.space_after = Pt(after)
        if indent:
            fmt.first_line_indent = INDENT
        if text_override is not None:
            run = paragraph.add_run(text_override)
            self._font(run, bold=bold, italic=italic, size=size)
        else:
            self._runs(paragraph, element, bold=bold, italic=italic, size=size)
        return paragraph

    def rule(self, container, *, width_mm: float, within_mm: float):
        """A short horizontal rule, centred: a paragraph with a bottom border and side indents."""
        paragraph = container.add_paragraph()
        side = max(0.0, (within_mm - width_mm) / 2)
        paragraph.paragraph_format.left_indent = Mm(side)
        paragraph.paragraph_format.right_indent = Mm(side)
        paragraph.paragraph_format.space_after = Pt(2)
        p_pr = paragraph._p.get_or_add_pPr()
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        p_pr.append(borders)
        run = paragraph.add_run("")
        self._font(run, size=4)
        paragraph.paragraph_format.line_spacing = Pt(4)
        return paragraph

    # --- blocks -----------------------------------------------------------------------------------

    def blocks(self, container, element, *, width_mm: float):
        for child in element:
            if not isinstance(child.tag, str):
                continue
            self.block(container, child, width_mm=width_mm)

    def block(self, container, element, *, width_mm: float):
        tag, classes = element.tag, _classes(element)
        if tag == "p":
            # A line of a form's particulars ("- Quê quán: ...") is a body paragraph without its indent.
            style = PARTICULAR_STYLE if "particular" in classes else next(
                (PARAGRAPH_STYLES[c] for c in classes if c in PARAGRAPH_STYLES), DEFAULT_STYLE
            )
            if "motto" in classes or "party-title" in classes:
                self.paragraph(container, element, style)
                self.rule(container, width_mm=62, within_mm=width_mm)
            else:
                self.paragraph(container, element, style)
        elif tag in ("h1", "h2", "h3"):
            style = next((HEADING_STYLES[c] for c in classes if c in HEADING_STYLES), HEADING_STYLES["doc-type"])
            self.paragraph(container, element, style)
        elif tag == "div" and "rule-short" in classes:
            self.rule(container, width_mm=width_mm * 0.4, within_mm=width_mm)
        elif tag == "div" and "rule-summary" in classes:
            self.rule(container, width_mm=width_mm * 0.4, within_mm=width_mm)
        elif tag == "div" and "landscape" in classes:
            self.landscape(element)
        elif tag == "table" and "nd30-header" in classes:
            self.layout_table(container, element, widths=(0.38, 0.62), width_mm=width_mm)
        elif tag == "table" and "sign" in classes:
            self.layout_table(container, element, widths=(0.5, 0.5), width_mm=width_mm)
        elif tag == "table" and "verification" in classes:
            self.verification(container, element)
        elif tag == "table":
            self.data_table(container, element, width_mm=width_mm)
        elif tag in ("div", "section"):
            self.blocks(container, element, width_mm=width_mm)

    def landscape(self, element):
        section = self.document.add_section()
        self._page(section, landscape=True)
        section.different_first_page_header_footer = False
        self.blocks(self.document, element, width_mm=297 - 30 - 16)

    @staticmethod
    def _no_borders(table):
        tbl_pr = table._tbl.tblPr
        borders = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            node = OxmlElement(f"w:{edge}")
            node.set(qn("w:val"), "nil")
            borders.append(node)
        tbl_pr.append(borders)

    def layout_table(self, container, element, *, widths, width_mm):
        rows = element.xpath("./tr|./tbody/tr")
        table = container.add_table(rows=len(rows), cols=len(widths))
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._no_borders(table)
        for r, row in enumerate(rows):
            cells = row.xpath("./td")
            for c, cell_element in enumerate(cells[: len(widths)]):
                cell = table.cell(r, c)
                cell.width = Mm(width_mm * widths[c])
                self.blocks(cell, cell_element, width_mm=width_mm * widths[c])
                if len(cell.paragraphs) > 1 and not cell.paragraphs[0].text:
                    cell._tc.remove(cell.paragraphs[0]._p)
        return table

    def verification(self, container, element):
        table = container.add_table(rows=1, cols=2)
        self._no_borders(table)
        picture_cell, text_cell = table.cell(0, 0), table.cell(0, 1)
        picture_cell.width, text_cell.width = Mm(24), Mm(120)
        url = element.get("data-qr") or ""
        if url:
            run = picture_cell.paragraphs[0].add_run()
            run.add_picture(io.BytesIO(qr_png_bytes(url)), width=Mm(20))
        first = True
        for p in element.xpath(".//td[2]//p"):
            paragraph = text_cell.paragraphs[0] if first else text_cell.add_paragraph()
            first = False
            self._runs(paragraph, p, bold=False, italic=False, size=10)

    def data_table(self, container, element, *, width_mm):
        head_rows = element.xpath("./thead/tr")
        body_rows = element.xpath("./tbody/tr|./tr")
        rows = head_rows + body_rows
        if not rows:
            return
        header_cells = rows[0].xpath("./th|./td")
        fractions = []
        for th in header_cells:
            match = re.search(r"width:\s*([\d.]+)%", th.get("style") or "")
            fractions.append(float(match.group(1)) / 100 if match else None)
        columns = len(header_cells)
        known = sum(f for f in fractions if f)
        unknown = [i for i, f in enumerate(fractions) if not f]
        for i in unknown:
            fractions[i] = max(0.05, (1 - known) / len(unknown))
        table = container.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        table.autofit = False
        widths = [Mm(width_mm * f) for f in fractions]
        table_rows = table.rows
        for r, row in enumerate(rows):
            is_head = r < len(head_rows)
            row_cells = table_rows[r].cells
            for k, cell in enumerate(row_cells):
                cell.width = widths[k]
            tr_pr = table_rows[r]._tr.get_or_add_trPr()
            # A row is never split across pages (as in the PDF); a row left to fill in by hand is 9 mm tall.
            cant_split = OxmlElement("w:cantSplit")
            cant_split.set(qn("w:val"), "true")
            tr_pr.append(cant_split)
            if "blank" in _classes(row):
                table_rows[r].height = Mm(9)
            if is_head:
                header = OxmlElement("w:tblHeader")
                header.set(qn("w:val"), "true")
                tr_pr.append(header)
            group = "group" in _classes(row)
            c = 0
            for cell_element in row.xpath("./th|./td"):
                if c >= columns:
                    break
                span = int(cell_element.get("colspan") or 1)
                cell = row_cells[c]
                if span > 1:
                    cell = cell.merge(row_cells[min(columns - 1, c + span - 1)])
                paragraph = cell.paragraphs[0]
                centred = is_head or _classes(cell_element) & {"num", "center"}
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
                self._runs(paragraph, cell_element, bold=is_head or group, italic=False, size=12)
                c += span

    # --- output -------------------------------------------------------------------------------------

    def add_html(self, html: str):
        root = lxml_html.fromstring(clean_text(html))
        sections = root.xpath("//section[contains(concat(' ', normalize-space(@class), ' '), ' doc ')]")
        for index, section in enumerate(sections):
            if index:
                new = self.document.add_section()
                self._page(new, landscape=False)
            self.blocks(self.document, section, width_mm=TEXT_WIDTH_MM)
        # python-docx starts with one empty paragraph: drop it if content followed.
        body = self.document.element.body
        first = body[0] if len(body) else None
        if first is not None and first.tag == qn("w:p") and not "".join(first.itertext()).strip() and len(body) > 2:
            body.remove(first)
        return self

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return normalise_zip(buffer.getvalue(), self.date)


def normalise_zip(data: bytes, date: dt.date) -> bytes:
    """Rewrite a zip (docx) with fixed timestamps and order, so equal content gives equal bytes."""
    stamp = (max(date.year, 1980), date.month, date.day, 8, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            clone = zipfile.ZipInfo(info.filename, date_time=stamp)
            clone.compress_type = zipfile.ZIP_DEFLATED
            clone.external_attr = 0o644 << 16
            target.writestr(clone, source.read(info.filename))
    return output.getvalue()


def html_to_docx(html: str, *, title: str = "", author: str = "", date: dt.date | None = None) -> bytes:
    return DocxBuilder(title=title, author=author, date=date).add_html(html).to_bytes()
