"""Server-rendered SVG bar charts: geometry computed here, drawn by a template with CSS
classes (no script, no inline style), each bar a link to the list behind it."""

from __future__ import annotations

WIDTH = 640
LABEL_WIDTH = 200
BAR_HEIGHT = 26
GAP = 10
VALUE_ROOM = 48


def bar_chart(items: list[tuple[str, int, str]]) -> dict:
    """Horizontal bars: (label, value, url)."""
    top = max((v for _l, v, _u in items), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    bars = []
    for i, (label, value, url) in enumerate(items):
        y = i * (BAR_HEIGHT + GAP)
        w = round(span * value / top) if value else 0
        bars.append(
            {
                "label": label,
                "value": value,
                "url": url,
                "x": LABEL_WIDTH,
                "y": y,
                "width": max(w, 2),
                "height": BAR_HEIGHT,
                "text_y": y + BAR_HEIGHT * 0.68,
                "value_x": LABEL_WIDTH + max(w, 2) + 6,
                "index": i,
            }
        )
    return {
        "width": WIDTH,
        "height": max(len(items) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT),
        "label_x": LABEL_WIDTH - 8,
        "bars": bars,
    }


def stacked_bar_chart(rows: list[tuple[str, list[tuple[str, str, int, str]]]]) -> dict:
    """One horizontal stacked bar per row: (label, [(key, part label, value, url), …])."""
    top = max((sum(p[2] for p in parts) for _l, parts in rows), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_ROOM
    result = []
    legend = []
    for i, (label, parts) in enumerate(rows):
        y = i * (BAR_HEIGHT + GAP)
        x = LABEL_WIDTH
        segments = []
        for key, part_label, value, url in parts:
            if not value:
                continue
            w = max(round(span * value / top), 2)
            segments.append(
                {
                    "key": key,
                    "label": part_label,
                    "value": value,
                    "url": url,
                    "x": x,
                    "width": w,
                    "text_x": x + w / 2,
                }
            )
            x += w
        result.append(
            {
                "label": label,
                "y": y,
                "height": BAR_HEIGHT,
                "text_y": y + BAR_HEIGHT * 0.68,
                "segments": segments,
                "parts": parts,
            }
        )
    if rows:
        legend = [(key, part_label) for key, part_label, _v, _u in rows[0][1]]
    return {
        "width": WIDTH,
        "height": max(len(rows) * (BAR_HEIGHT + GAP) - GAP, BAR_HEIGHT),
        "label_x": LABEL_WIDTH - 8,
        "rows": result,
        "legend": legend,
    }
