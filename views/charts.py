"""Charts drawn on the server as inline SVG: no script, no CDN, sharp when printed.

Pure builders (data in, markup out, like views/exports/): the caller formats the labels, so
numbers follow the user's locale. Every chart has a <title> and a text label on each bar:
readable without colour and by a screen reader.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

#: Bar colours (Bootstrap's palette, distinguishable in grey when printed).
COLOURS = ("#6c757d", "#007bff", "#28a745", "#ffc107", "#dc3545", "#17a2b8")
FONT = 'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12"'


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, the text shown next to it, and an optional link."""

    label: str
    value: Decimal | int
    text: str
    url: str | None = None


def _link(url: str | None, inner: Markup) -> Markup:
    return Markup('<a href="{}">{}</a>').format(url, inner) if url else inner


def _svg(title: str, width: int, height: int, body: Markup) -> Markup:
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'role="img" aria-label="{t}" class="chart" {font}><title>{t}</title>{body}</svg>'
    ).format(w=width, h=height, t=title, font=Markup(FONT), body=body)


def bar_chart(title: str, bars: Sequence[Bar], width: int = 560, label_width: int = 170) -> Markup:
    """Horizontal bars, one per row, the largest value filling the width."""
    row, top = 24, 6
    top_value = max((float(b.value) for b in bars), default=0) or 1
    span = width - label_width - 90
    parts = []
    for i, b in enumerate(bars):
        y = top + i * row
        length = max(float(b.value) / top_value * span, 1 if b.value else 0)
        parts.append(_link(b.url, Markup(
            '<text x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
            '<rect x="{x}" y="{y}" width="{w:.1f}" height="16" rx="2" fill="{c}"></rect>'
            '<text x="{vx:.1f}" y="{ty}">{text}</text>'
        ).format(lx=label_width - 6, ty=y + 12, label=b.label, x=label_width, y=y, w=length,
                 c=COLOURS[1], vx=label_width + length + 4, text=b.text)))
    return _svg(title, width, top * 2 + row * max(len(bars), 1), Markup("").join(parts))


def column_chart(title: str, bars: Sequence[Bar], width: int = 560, height: int = 180) -> Markup:
    """Vertical columns (e.g. one per month), value on top, label below."""
    bottom, top = 22, 18
    n = max(len(bars), 1)
    slot = width / n
    top_value = max((float(b.value) for b in bars), default=0) or 1
    parts = [Markup('<line x1="0" y1="{y}" x2="{w}" y2="{y}" stroke="#adb5bd"></line>').format(
        y=height - bottom, w=width)]
    for i, b in enumerate(bars):
        h = float(b.value) / top_value * (height - bottom - top)
        x = i * slot + slot * 0.15
        parts.append(_link(b.url, Markup(
            '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="2" fill="{c}"></rect>'
            '<text x="{cx:.1f}" y="{vy:.1f}" text-anchor="middle">{text}</text>'
            '<text x="{cx:.1f}" y="{ly}" text-anchor="middle">{label}</text>'
        ).format(x=x, y=height - bottom - h, w=slot * 0.7, h=h, c=COLOURS[2], cx=x + slot * 0.35,
                 vy=height - bottom - h - 4, text=b.text, ly=height - 6, label=b.label)))
    return _svg(title, width, height, Markup("").join(parts))


@dataclass(frozen=True)
class Group:
    """A group of bars (e.g. a Comune's allocated, committed and consumed amounts)."""

    label: str
    values: Sequence[Decimal]
    url: str | None = None


def grouped_bar_chart(title: str, series: Sequence[str], groups: Sequence[Group],
                      fmt: Callable[[Decimal], str], width: int = 560, label_width: int = 170) -> Markup:
    """Horizontal bars in groups, one bar per series, with a legend: all on one scale."""
    bar, gap, legend = 12, 10, 22
    top_value = max((float(v) for g in groups for v in g.values), default=0) or 1
    span = width - label_width - 100
    parts = [Markup('<rect x="{x}" y="4" width="10" height="10" fill="{c}"></rect>'
                    '<text x="{tx}" y="13">{s}</text>').format(x=label_width + i * 120, c=COLOURS[i],
                                                                 tx=label_width + i * 120 + 14, s=s)
             for i, s in enumerate(series)]
    height = legend
    for g in groups:
        inner = [Markup('<text x="{x}" y="{y}" text-anchor="end">{label}</text>').format(
            x=label_width - 6, y=height + bar * len(series) / 2 + 4, label=g.label)]
        for i, value in enumerate(g.values):
            y = height + i * bar
            length = max(float(value) / top_value * span, 1 if value else 0)
            inner.append(Markup(
                '<rect x="{x}" y="{y}" width="{w:.1f}" height="{h}" fill="{c}"></rect>'
                '<text x="{vx:.1f}" y="{ty}" font-size="10">{text}</text>'
            ).format(x=label_width, y=y, w=length, h=bar - 2, c=COLOURS[i], vx=label_width + length + 3,
                     ty=y + bar - 3, text=fmt(value)))
        parts.append(_link(g.url, Markup("").join(inner)))
        height += bar * len(series) + gap
    return _svg(title, width, height + 4, Markup("").join(parts))


__all__ = ["Bar", "Group", "bar_chart", "column_chart", "escape", "grouped_bar_chart"]
