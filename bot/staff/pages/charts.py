"""Server-side SVG charts for the statistics page: each with a title, a summary and data keys."""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from bot.staff.statistics import Bar

_FONT = 'font-family="system-ui, sans-serif" font-size="14"'


def _svg_open(chart_id: str, width: int, height: int, title: str, summary: str) -> str:
    # role="img" with its title and description: screen readers read the summary, and
    # the table under the chart gives every number.
    return (
        f'<svg class="chart" id="{chart_id}" role="img" aria-labelledby="{chart_id}-title '
        f'{chart_id}-desc" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>'
    )


def horizontal_bars(chart_id: str, title: str, summary: str, bars: Iterable[Bar]) -> Markup:
    """Labelled horizontal bars, longest first: for categories such as routes and buurten."""
    bars = list(bars)
    label_width, bar_width, row = 240, 330, 30
    width, height = label_width + bar_width + 60, max(1, len(bars)) * row + 10
    top = max((bar.count for bar in bars), default=0) or 1
    parts = [_svg_open(chart_id, width, height, title, summary)]
    for n, bar in enumerate(bars):
        y = 5 + n * row
        length = round(bar_width * bar.count / top)
        parts.append(
            f'<g class="chart__row" data-key="{escape(bar.key)}" data-count="{bar.count}">'
            f'<text x="{label_width - 8}" y="{y + 19}" text-anchor="end" {_FONT} '
            f'fill="#1a1a1a">{escape(bar.label)}</text>'
            f'<rect class="chart__bar" x="{label_width}" y="{y + 4}" width="{max(length, 1)}" '
            f'height="{row - 10}"/>'
            f'<text x="{label_width + length + 6}" y="{y + 19}" {_FONT} '
            f'fill="#1a1a1a">{bar.count}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(chart_id: str, title: str, summary: str, bars: Iterable[Bar]) -> Markup:
    """Vertical columns in time order, the count on top and "week N" below."""
    bars = list(bars)
    # Wide enough for "week 49" under each column without touching the next one.
    column, gap, chart_height, axis = 58, 12, 180, 40
    width = max(300, len(bars) * (column + gap) + gap)
    height = chart_height + axis + 20
    top = max((bar.count for bar in bars), default=0) or 1
    parts = [_svg_open(chart_id, width, height, title, summary)]
    base = 20 + chart_height
    parts.append(
        f'<line class="chart__axis" x1="0" y1="{base}" x2="{width}" y2="{base}" '
        'stroke="#595959" stroke-width="1"/>'
    )
    for n, bar in enumerate(bars):
        x = gap + n * (column + gap)
        length = round(chart_height * bar.count / top)
        # "week 49": a bare "49" under a column reads as a count.
        axis_label = (
            " ".join(bar.label.split(" ")[:2]) if bar.label.startswith("week ") else bar.label
        )
        parts.append(
            f'<g class="chart__column" data-key="{escape(bar.key)}" data-count="{bar.count}">'
            f'<rect class="chart__bar" x="{x}" y="{base - length}" width="{column}" '
            f'height="{length}"/>'
            f'<text x="{x + column / 2}" y="{base - length - 5}" text-anchor="middle" {_FONT} '
            f'fill="#1a1a1a">{bar.count}</text>'
            f'<text x="{x + column / 2}" y="{base + 18}" text-anchor="middle" {_FONT} '
            f'class="chart__axis-label" fill="#1a1a1a">{escape(axis_label)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def share_bar(chart_id: str, title: str, summary: str, shares: Iterable[Bar]) -> Markup:
    """One bar split into shares (understood / not, helped / not), with a legend under it."""
    shares = list(shares)
    width, bar_height = 600, 36
    total = sum(share.count for share in shares) or 1
    parts = [_svg_open(chart_id, width, bar_height + 40, title, summary)]
    x = 0.0
    for n, share in enumerate(shares):
        length = width * share.count / total
        parts.append(
            f'<g class="chart__share" data-key="{escape(share.key)}" data-count="{share.count}">'
            f'<rect class="chart__bar chart__bar--{n}" x="{x:.1f}" y="0" width="{length:.1f}" '
            f'height="{bar_height}"/>'
            f'<rect class="chart__bar chart__bar--{n}" x="{n * 300}" y="{bar_height + 14}" '
            'width="16" height="16"/>'
            f'<text x="{n * 300 + 22}" y="{bar_height + 28}" {_FONT} fill="#1a1a1a">'
            f"{escape(share.label)}: {share.count}</text></g>"
        )
        x += length
    parts.append("</svg>")
    return Markup("".join(parts))
