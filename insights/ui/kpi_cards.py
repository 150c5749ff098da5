"""What a KPI card says under its figure: against what its change is measured, whether that change is more
than the KPI's usual ups and downs, and the same period last year (or why there is none to compare)."""

from __future__ import annotations

import datetime as dt

from insights.charts import kpis as charts_kpis
from insights.core import numbers
from insights.performance import kpis
from insights.performance.kpis.noise import judge_change

YEAR_BACK = {"week": -52, "month": -12, "quarter": -4}
PERIOD_WORD = {"week": "week", "month": "month", "quarter": "quarter", "custom": "dates"}


def _year_before(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:          # 29 February
        return day.replace(year=day.year - 1, day=28)


def previous_label(period: str, current) -> str:
    """What a card's delta is against, short enough for a card: ``vs Feb 2025``, ``vs Q4 2024``, ``vs the week
    before``, ``vs the 31 days before``."""
    if period == "custom":
        start, end = current
        return f"vs the {(end - start).days + 1:,} days before"
    if period == "week":
        return "vs the week before"
    before = kpis.shift_period(current, period, -1)
    return "vs " + (numbers.month(before) if period == "month" else kpis.period_label(before, period))


def last_year_label(period: str, current) -> str | None:
    """``Same month last year (March 2024)``; None when a custom range is longer than a year (last year's
    dates would overlap the range itself)."""
    if period == "custom":
        start, end = current
        if (end - start).days + 1 > 365:
            return None
        return (f"Same dates last year ({kpis.period_label(_year_before(start), 'custom', _year_before(end) + dt.timedelta(days=1))})")
    back = kpis.shift_period(current, period, YEAR_BACK[period])
    return f"Same {PERIOD_WORD[period]} last year ({kpis.period_label(back, period)})"


def noise_sentence(change, earlier_values, unit: str, currency: str | None) -> str:
    """Whether the change is more than the KPI's usual period-to-period ups and downs, in words."""
    verdict = judge_change(change, earlier_values)
    if verdict.beyond is None:
        return "" if numbers.is_missing(change) else "Too little history to say whether this change is unusual."
    swing = charts_kpis.format_delta(verdict.swing, unit, currency).lstrip("+")
    if verdict.beyond:
        return f"**More than the usual ups and downs** (usually within ±{swing})."
    return f"Within the usual ups and downs (±{swing})."


def card_note(row, unit: str, currency: str | None, earlier_values, ly_label: str | None) -> str:
    """The caption under a card: the noise sentence, then last year's figure (or why it is not shown)."""
    lines = [noise_sentence(row["change"], earlier_values, unit, currency)]
    if ly_label is None:
        lines.append("Last year: not compared — the range is longer than a year.")
    else:
        lines.append(f"{ly_label}: {charts_kpis.format_value(row['last_year'], unit, currency)}")
    return "  \n".join(line for line in lines if line)
