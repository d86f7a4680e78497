"""Bar charts as inline SVG, drawn on the server (no JavaScript, no build step).

Each chart carries its axes, the label under every bar and the value over it, so it reads
without hovering; a <title> and a <desc> listing every value give screen readers the same.
Colours and fonts come from classes in review.css: the pages' CSP allows no inline styles.
"""

import math

from markupsafe import Markup, escape


def short(value: float) -> str:
    """A figure short enough to print over a bar: 950, 64k, 1.2M."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            scaled = value / limit
            return f"{scaled:.1f}".rstrip("0").rstrip(".") + suffix if abs(scaled) < 10 \
                else f"{round(scaled)}{suffix}"
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def percent(value: float) -> str:
    return f"{round(value)}%"


def month_point(point: dict, field: str, scale: float = 1) -> tuple[str, float | None]:
    """(month label, value) of a monthly row: ("Nov", 64000.0)."""
    value = point[field]
    return point["period_start"].strftime("%b"), None if value is None else float(value) * scale


def week_point(point: dict) -> tuple[str, float]:
    """(the Monday it starts, count) of a weekly row: ("24 Nov", 3)."""
    start = point["week_start"]
    return f"{start.day} {start:%b}", float(point["sessions"])


def nice_top(value: float) -> float:
    """The axis' top: the first round step (times a power of ten) at or above value, so bars
    fill most of the height and the half-way tick is a round figure too."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if step * power >= value)


def bar_chart(points: list[tuple[str, float | None]], label: str, *, fmt=short,
              marks: list[float | None] | None = None, mark_name: str = "quota",
              top: float | None = None, whole: bool = False, width: int = 320, height: int = 150,
              css: str = "") -> Markup:
    """Bars for (x label, value) pairs, oldest first; None draws no bar and prints a dash.
    `marks` (one per point) draw a dashed line across their bar, e.g. the month's quota;
    `whole` keeps the axis' ticks whole numbers (counts: no "0.5 sessions")."""
    if not points:
        return Markup('<p class="muted small">No data yet.</p>')
    points = [(name, None if v is None else float(v)) for name, v in points]  # Decimal money too
    marks = [None if m is None else float(m) for m in marks] if marks else None
    left, right, above, below = 38, 6, 16, 20
    plot_w, plot_h = width - left - right, height - above - below
    values = [v for _, v in points if v is not None] + [m for m in marks or [] if m is not None]
    top = top or nice_top(max(values, default=0))
    if whole:
        top = max(2, math.ceil(top))
        top += top % 2
    slot = plot_w / len(points)
    bar = min(slot * 0.62, 36)

    def y(v: float) -> float:
        return above + plot_h - max(0.0, min(v, top)) / top * plot_h

    out = [f'<svg class="chart {css}" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(label)}">',
           f"<title>{escape(label)}</title>",
           f"<desc>{escape(_described(points, fmt, marks, mark_name))}</desc>"]
    base = above + plot_h
    for tick in (0, top / 2, top):  # the y axis: zero, half and the top, with grid lines
        out.append(_line("grid", left, width - right, y(tick), y(tick))
                   + _text("tick", left - 4, y(tick) + 3, fmt(tick), "end"))
    out.append(_line("axis", left, left, above, base) + _line("axis", left, width - right, base, base))
    for i, (name, value) in enumerate(points):
        cx = left + slot * (i + 0.5)
        if value is not None:
            by = y(value)
            out.append(f'<rect class="bar" x="{cx - bar / 2:.1f}" y="{by:.1f}" width="{bar:.1f}" '
                       f'height="{base - by:.1f}"/>')
        mark = (marks or [None] * len(points))[i]
        if mark is not None:
            my = y(mark)
            out.append(_line("mark", cx - slot / 2 + 2, cx + slot / 2 - 2, my, my))
        shown = fmt(value) if value is not None else "—"
        # the value sits over its bar, or over the mark when the mark is higher
        vy = min(y(value) if value is not None else base, y(mark) if mark is not None else base)
        out.append(_text("value", cx, vy - 5, shown) + _text("tick", cx, height - 6, name))
    out.append("</svg>")
    return Markup("".join(out))


def _line(css: str, x1: float, x2: float, y1: float, y2: float) -> str:
    return f'<line class="{css}" x1="{x1:.1f}" x2="{x2:.1f}" y1="{y1:.1f}" y2="{y2:.1f}"/>'


def _text(css: str, x: float, y: float, text: str, anchor: str = "middle") -> str:
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">{escape(text)}</text>'


def _described(points, fmt, marks, mark_name) -> str:
    parts = []
    for i, (name, value) in enumerate(points):
        text = f"{name}: {fmt(value) if value is not None else 'no data'}"
        if marks and marks[i] is not None:
            text += f" ({mark_name} {fmt(marks[i])})"
        parts.append(text)
    return "; ".join(parts) + "."
