"""The verdict in words, first: what changed, by how much, whether it is more than chance, and what to do.

"B raised retention_7 from 4.3% to 6.4% (+2.1 points, +1.4 to +2.8) — ship B." or "No difference we can tell from
chance: with these numbers the test could only have detected a change of ±1.6 points." A broken split comes
before everything: its results are not to be trusted.
"""

from __future__ import annotations

import math

from scipy import stats

POWER_Z = float(stats.norm.ppf(0.975) + stats.norm.ppf(0.8))


SYMBOLS = {"EUR": "€", "GBP": "£", "USD": "$", "$": "$", "JPY": "¥", "INR": "₹"}


def _value(kind: str, x: float, currency: str | None = None) -> str:
    if kind == "rate":
        return f"{x:.2%}"
    if currency:
        sign = "-" if x < 0 else ""
        symbol = SYMBOLS.get(currency)
        return f"{sign}{symbol}{abs(x):,.2f}" if symbol else f"{x:,.2f} {currency}"
    return f"{x:,.2f}"


def _change(kind: str, x: float, currency: str | None = None) -> str:
    if kind == "rate":
        return f"{x * 100:+.2f} points"
    return ("+" if x >= 0 else "") + _value(kind, x, currency) if currency else f"{x:+,.2f}"


def _range(kind: str, low: float, high: float) -> str:
    if kind == "rate":
        return f"{low * 100:+.2f} to {high * 100:+.2f}"
    return f"{low:+,.2f} to {high:+,.2f}"


def detectable(c) -> float:
    """The change this test had an 80% chance to detect at 5% (two-sided), from the difference's spread."""
    return POWER_Z * math.sqrt(c.variance)


def verdict_lines(result, alpha: float, causes) -> list[str]:
    """The verdict (first line) and one line per metric and variant."""
    srm = result.srm
    money = {m.name: m.currency for m in result.data.metrics if m.money}
    lines = []
    for i, c in enumerate(result.comparisons):
        cur = money.get(c.metric)
        what = f"{c.variant} vs {result.data.control} on {c.metric}: {_value(c.kind, c.control_value, cur)} → " \
               f"{_value(c.kind, c.variant_value, cur)} ({_change(c.kind, c.diff, cur)}, " \
               f"{_range(c.kind, c.diff_low, c.diff_high)})"
        if result.significant(i):
            lines.append(what + (" — higher, more than chance." if c.diff > 0 else " — lower, more than chance."))
        else:
            lines.append(what + f" — no difference we can tell from chance (the test could only have detected "
                                f"±{_change(c.kind, detectable(c), cur).lstrip('+')}).")
    wins = [c for i, c in enumerate(result.comparisons) if result.significant(i)]
    if srm.flagged:
        split = " vs ".join(f"{n:,}" for n in srm.units)
        head = (f"Do not trust these results: the variants got {split} units, not the planned split "
                f"(chance of that is p = {srm.p_value:.2g}). Likely causes: " + "; ".join(causes) + ".")
    elif not wins:
        widest = max(result.comparisons, key=lambda c: detectable(c) / (abs(c.control_value) or 1))
        head = (f"No difference we can tell from chance on any metric: with these numbers the test could only have "
                f"detected a change of ±{_change(widest.kind, detectable(widest), money.get(widest.metric)).lstrip('+')} "
                f"in {widest.metric}.")
    else:
        parts = []
        for c in wins:
            verb = "raised" if c.diff > 0 else "lowered"
            cur = money.get(c.metric)
            parts.append(f"{c.variant} {verb} {c.metric} from {_value(c.kind, c.control_value, cur)} to "
                         f"{_value(c.kind, c.variant_value, cur)} ({_change(c.kind, c.diff, cur)}, "
                         f"{_range(c.kind, c.diff_low, c.diff_high)})")
            if cur:
                parts[-1] += f", about {_change(c.kind, c.diff * 1000, cur)} per 1,000 customers"
        ups = {c.variant for c in wins if c.diff > 0}
        downs = {c.variant for c in wins if c.diff < 0}
        if ups and not downs:
            advice = f" — ship {', '.join(sorted(ups))}."
        elif downs and not ups:
            advice = f" — keep {result.data.control}."
        else:
            advice = " — the changes pull in different directions: weigh which metric matters most."
        head = "; ".join(parts) + advice
    return [head] + lines
