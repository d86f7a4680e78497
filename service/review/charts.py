"""Small trend charts as inline SVG, drawn on the server (no JavaScript, no build step)."""

from markupsafe import Markup, escape


def sparkline(values: list, label: str, quota: list | None = None,
              width: int = 120, height: int = 32) -> Markup:
    """A line of `values` (oldest first) with an optional dashed quota line; None values skipped."""
    points = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return Markup('<span class="muted">not enough data</span>')
    quota_points = [(i, float(v)) for i, v in enumerate(quota or []) if v is not None]
    every = [v for _, v in points + quota_points]
    low, high = min(every), max(every)
    span = (high - low) or 1.0
    step = (width - 4) / max(len(values) - 1, 1)

    def xy(i, v):
        return f"{2 + i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}"

    line = " ".join(xy(i, v) for i, v in points)
    last_x, last_y = xy(*points[-1]).split(",")
    rising = points[-1][1] >= points[-2][1]
    parts = [f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>']
    if len(quota_points) >= 2:
        parts.append(f'<polyline class="quota" points="{" ".join(xy(i, v) for i, v in quota_points)}"/>')
    parts.append(f'<polyline class="{"up" if rising else "down"}" points="{line}"/>')
    parts.append(f'<circle class="{"up" if rising else "down"}" cx="{last_x}" cy="{last_y}" r="2.5"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
