"""Show the breadth of the network with charts drawn on the server (inline SVG)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amity.domain import strength
from amity.domain.breadth import GroupStat, MonthPoint
from amity.network.insights import insights

BAR_WIDTH = 240
"""Pixels of the longest horizontal bar."""
CHART_HEIGHT = 120
"""Pixels of the tallest column in the monthly charts."""
COLUMN = 36
"""Pixels per month in the monthly charts."""


@dataclass(frozen=True)
class Bar:
    """One horizontal bar: a label, its numbers and its length in pixels."""

    label: str
    value: int
    width: int
    strength: float
    mean_strength: float
    strong: int
    weak: int


@dataclass(frozen=True)
class Column:
    """One month: two stacked or paired columns with their heights in pixels."""

    label: str
    x: int
    first: int
    first_height: int
    first_y: int
    second: int
    second_height: int
    second_x: int
    second_y: int
    label_x: int


def _bars(groups: list[GroupStat]) -> list[Bar]:
    top = max((g.people for g in groups), default=0) or 1
    return [
        Bar(
            g.name,
            g.people,
            max(1, round(BAR_WIDTH * g.people / top)) if g.people else 0,
            round(g.strength, 1),
            g.mean_strength,
            g.strong,
            g.weak,
        )
        for g in groups
    ]


def _columns(months: list[MonthPoint], first: str, second: str, *, stacked: bool) -> list[Column]:
    totals = [
        (getattr(m, first) + getattr(m, second))
        if stacked
        else max(getattr(m, first), getattr(m, second))
        for m in months
    ]
    top = max(totals, default=0) or 1
    columns = []
    for i, m in enumerate(months):
        a, b = getattr(m, first), getattr(m, second)
        high_a, high_b = round(CHART_HEIGHT * a / top), round(CHART_HEIGHT * b / top)
        x = i * COLUMN + 4
        if stacked:
            # the second sits on top of the first in one column
            second_x, second_y = x, CHART_HEIGHT - high_a - high_b
        else:
            second_x, second_y = x + 14, CHART_HEIGHT - high_b
        columns.append(
            Column(
                m.month[2:],
                x,
                a,
                high_a,
                CHART_HEIGHT - high_a,
                b,
                high_b,
                second_x,
                second_y,
                i * COLUMN + COLUMN // 2,
            )
        )
    return columns


def _share_width(share: float) -> int:
    return round(BAR_WIDTH * share)


@login_required
def insights_page(request: HttpRequest) -> HttpResponse:
    """Show people and strength by field and circle, ties, flows and advice."""
    found = insights(owner=request.user)
    b = found.breadth
    ties = b.strong_ties + b.weak_ties + b.no_ties or 1
    return render(
        request,
        "amity/insights.html",
        {
            "b": b,
            "strength_source": found.strength_source,
            "fields": _bars(b.by_field),
            "circles": _bars(b.by_circle),
            "bar_width": BAR_WIDTH,
            "own_width": _share_width(b.own_field_people_share),
            "own_percent": round(b.own_field_people_share * 100),
            "own_strength_percent": round(b.own_field_strength_share * 100),
            "strong_width": _share_width(b.strong_ties / ties),
            "weak_width": _share_width(b.weak_ties / ties),
            "none_width": _share_width(b.no_ties / ties),
            "dormancy": _columns(b.months, "dormant", "active", stacked=True),
            "flows": _columns(b.months, "deposits", "withdrawals", stacked=False),
            "chart_height": CHART_HEIGHT,
            "svg_height": CHART_HEIGHT + 18,
            "label_y": CHART_HEIGHT + 14,
            "chart_width": COLUMN * len(b.months),
            "column": COLUMN,
            "dormant_two_way": strength.DORMANT_MIN_TWO_WAY,
        },
    )
