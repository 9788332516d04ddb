"""Charts drawn on the server as SVG: no JavaScript, no chart library, printable.

Python lays a chart out (rectangles and labels in SVG user units); templates/reports/_chart.html
writes the SVG with a <title> and <desc> (role="img", aria-labelledby), and a <title> on every bar
so that hovering shows its figure. Every chart is shown next to an HTML table with the same
figures: the table is what screen readers read.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Colours distinguishable in print and for the common colour-vision deficiencies (Okabe-Ito),
# and one per nomination status, the same on every chart.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_COLOURS = {
    "draft": "#9E9E9E",
    "in_review": "#0072B2",
    "returned": "#E69F00",
    "rejected": "#D55E00",
    "proposed": "#56B4E9",
    "awarded": "#009E73",
    "not_awarded": "#CC79A7",
}
OK, FULL, OVER = "#009E73", "#E69F00", "#C62828"

LABEL_WIDTH = 260  # room for the category labels on the left
BAR_AREA = 420
VALUE_ROOM = 70
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_ROOM
FONT = 12


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str  # shown on hover, read by some screen readers
    stroke: str = ""
    dashed: bool = False


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # start, middle, end
    bold: bool = False
    size: int = FONT
    lines: list[str] = field(default_factory=list)  # a label on two lines; `text` otherwise


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: str = "#BDBDBD"
    dashed: bool = False


@dataclass
class Chart:
    ident: str
    title: str
    description: str
    width: float = WIDTH
    height: float = 0
    rects: list[Rect] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:g} {self.height:g}"


def _shorten(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _label(x: float, middle: float, text: str, limit: int = 38) -> Text:
    """A category label right-aligned before the bars, on up to two lines of `limit` characters
    (cut at a space; the full text is in the bars' <title> and in the table)."""
    if len(text) <= limit:
        return Text(x, middle + 4, text, anchor="end", size=11)
    cut = text.rfind(" ", 0, limit)
    cut = cut if cut > limit // 2 else limit
    first, rest = text[:cut].rstrip(), text[cut:].strip()
    return Text(x, middle - 2, text, anchor="end", size=11, lines=[first, _shorten(rest, limit)])


def _scale(maximum: float) -> float:
    return BAR_AREA / maximum if maximum > 0 else 0


def _legend(chart: Chart, items: list[tuple[str, str]], y: float) -> float:
    """Legend swatches in rows under the bars; returns the y after it."""
    x = LABEL_WIDTH
    for label, colour in items:
        width = 18 + len(label) * 6.6 + 14
        if x + width > WIDTH and x > LABEL_WIDTH:
            x, y = LABEL_WIDTH, y + 18
        chart.rects.append(Rect(x, y - 10, 12, 12, colour, label))
        chart.texts.append(Text(x + 16, y, label, size=11))
        x += width
    return y + 18


def stacked_bars(ident: str, title: str, rows: list[tuple[str, list[tuple[str, str, int]]]], legend: list[tuple[str, str]]) -> Chart:
    """One horizontal bar per row, stacked by series: rows = [(label, [(series label, colour, n)])]."""
    bar, gap, top = 22, 14, 10
    totals = [sum(n for _, _, n in parts) for _, parts in rows]
    scale = _scale(max(totals, default=0))
    described = "; ".join(
        f"{label}: {total}" + (" (" + ", ".join(f"{s} {n}" for s, _, n in parts if n) + ")" if total else "")
        for (label, parts), total in zip(rows, totals)
    )
    chart = Chart(ident, title, described or "Chưa có số liệu.")
    y = top
    for (label, parts), total in zip(rows, totals):
        chart.texts.append(_label(LABEL_WIDTH - 8, y + bar / 2, label))
        x = LABEL_WIDTH
        for series, colour, n in parts:
            if n:
                width = n * scale
                chart.rects.append(Rect(x, y, width, bar, colour, f"{label} — {series}: {n}"))
                x += width
        chart.texts.append(Text(x + 6, y + bar * 0.7, str(total), bold=True))
        y += bar + gap
    chart.lines.append(Line(LABEL_WIDTH, top - 4, LABEL_WIDTH, y - gap + 4, colour="#616161"))
    chart.height = _legend(chart, legend, y + 14) + 4
    return chart


def grouped_bars(ident: str, title: str, categories: list[str], series: list[tuple[str, list[int]]]) -> Chart:
    """For each category a small group of horizontal bars, one per series (a round: 2023, 2024)."""
    bar, inner, gap, top = 14, 2, 14, 10
    maximum = max((v for _, values in series for v in values), default=0)
    scale = _scale(maximum)
    colours = {name: PALETTE[i % len(PALETTE)] for i, (name, _) in enumerate(series)}
    described = "; ".join(
        f"{category}: " + ", ".join(f"{name} {values[i]}" for name, values in series) for i, category in enumerate(categories)
    )
    chart = Chart(ident, title, described or "Chưa có số liệu.")
    y = top
    for i, category in enumerate(categories):
        group_height = len(series) * (bar + inner) - inner
        chart.texts.append(_label(LABEL_WIDTH - 8, y + group_height / 2, category))
        for name, values in series:
            value = values[i]
            chart.rects.append(Rect(LABEL_WIDTH, y, max(value * scale, 0), bar, colours[name], f"{category} — {name}: {value}"))
            chart.texts.append(Text(LABEL_WIDTH + value * scale + 6, y + bar * 0.75, str(value), size=11))
            y += bar + inner
        y += gap
    chart.lines.append(Line(LABEL_WIDTH, top - 4, LABEL_WIDTH, y - gap + 4, colour="#616161"))
    chart.height = _legend(chart, [(name, colours[name]) for name, _ in series], y + 14) + 4
    return chart


def quota_bars(ident: str, title: str, rows: list[tuple[str, int, int]]) -> Chart:
    """A bar per quota rule: the places used against the limit (the dashed frame). Green below the
    limit, amber when full, red over it."""
    bar, gap, top = 20, 16, 10
    maximum = max((max(used, limit) for _, used, limit in rows), default=0)
    scale = _scale(maximum)
    described = "; ".join(f"{label}: đã dùng {used}/{limit}" + (" — VƯỢT" if used > limit else "") for label, used, limit in rows)
    chart = Chart(ident, title, described or "Đợt chưa có quy định số lượng.")
    y = top
    for label, used, limit in rows:
        colour = OVER if used > limit else FULL if used == limit else OK
        state = "vượt số lượng" if used > limit else "đã đủ" if used == limit else f"còn {limit - used}"
        chart.texts.append(_label(LABEL_WIDTH - 8, y + bar / 2, label))
        chart.rects.append(Rect(LABEL_WIDTH, y, limit * scale, bar, "#F5F5F5", f"{label}: tối đa {limit}", stroke="#616161", dashed=True))
        if used:
            chart.rects.append(Rect(LABEL_WIDTH, y + 4, used * scale, bar - 8, colour, f"{label}: đã dùng {used}/{limit}, {state}"))
        chart.texts.append(Text(LABEL_WIDTH + max(used, limit) * scale + 6, y + bar * 0.7, f"{used}/{limit}", bold=used > limit))
        y += bar + gap
    chart.height = _legend(chart, [("Còn chỗ", OK), ("Đã đủ", FULL), ("Vượt", OVER), ("Số lượng tối đa (khung)", "#F5F5F5")], y + 14) + 4
    return chart
