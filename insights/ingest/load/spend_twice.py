"""The same spend in two layouts is counted once (issue 23): an ad platform's report and a hand-made sheet often
hold the same money — Google Ads' daily rows of a campaign and the sheet's row for that campaign's month.

A file's spend is grouped by calendar month and campaign (case, spaces and separators ignored); rows whose period
spans two months are left alone. When a group's total equals, to the cent, the total an earlier file of another
layout holds for the same month and campaign (an earlier upload, or a file before it in this upload), in the same
currency or where either does not say its currency, the later file's rows of that group are set aside with the
reason naming the earlier file, and the file's report warns. Rows of the same layout are not compared here: a
report exported twice repeats its rows, which the row hashes already recognise.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

TWICE_REASON = "the same spend as {file} ({campaign}, {month}: {amount}): not counted twice"


@dataclass(frozen=True)
class SpendGroup:
    file: str
    platform: str | None
    currency: str | None
    amount: Decimal
    campaign: str


def campaign_key(campaign: str | None) -> str:
    return re.sub(r"[\W_]+", " ", str(campaign or "")).strip().lower()


def _month_of(start, end):
    if start is None or (end is not None and (end.year, end.month) != (start.year, start.month)):
        return None
    return dt.date(start.year, start.month, 1)     # staged periods are timestamps, stored ones dates


def _stored(con) -> dict[tuple, list[SpendGroup]]:
    """Spend already in the workspace, per (month, campaign): one group per file."""
    rows = con.execute("""select s.period_start, s.period_end, s.campaign, s.currency, s.platform, s.amount,
                                 coalesce(f.name, s.source_file)
                          from spend s left join files f on f.file_id = s.source_file
                          where s.campaign is not null and s.amount is not null""").fetchall()
    return _groups((start, end, campaign, currency, platform, amount, name)
                   for start, end, campaign, currency, platform, amount, name in rows)


def _groups(rows) -> dict[tuple, list[SpendGroup]]:
    by_file: dict[tuple, dict] = {}
    for start, end, campaign, currency, platform, amount, name in rows:
        month = _month_of(start, end)
        if month is None or not campaign_key(campaign):
            continue
        key = (month, campaign_key(campaign))
        group = by_file.setdefault(key, {}).setdefault(name, [platform, currency, Decimal(0), campaign])
        group[2] += Decimal(amount)
    return {key: [SpendGroup(name, p, c, a, camp) for name, (p, c, a, camp) in files.items()]
            for key, files in by_file.items()}


def set_aside_spent_twice(con, plan, staged, report, seen: dict[tuple, list[SpendGroup]]) -> None:
    """Set aside (``staged.preset_aside``) this file's month-and-campaign groups that an earlier file of another
    layout already holds to the cent; remember this file's groups in ``seen`` for the files after it."""
    cols = staged.columns
    platforms = [p for p in cols["f_platform"].to_pylist() if p]
    platform = platforms[0] if platforms else None
    rows, members = [], {}
    for i, (start, end, campaign, currency, amount) in enumerate(zip(
            cols["f_period_start"].to_pylist(), cols["f_period_end"].to_pylist(), cols["f_campaign"].to_pylist(),
            cols["f_currency"].to_pylist(), cols["f_amount"].to_pylist())):
        if i in staged.preset_aside or amount is None:
            continue
        rows.append((start, end, campaign, currency, platform, amount, plan.name))
        month = _month_of(start, end)
        if month is not None and campaign_key(campaign):
            members.setdefault((month, campaign_key(campaign)), []).append(i)
    mine = _groups(rows)
    earlier = _stored(con)
    for key, groups in seen.items():
        earlier.setdefault(key, []).extend(groups)
    flagged = []
    for key, (group,) in mine.items():
        match = next((g for g in earlier.get(key, []) if g.platform != platform and g.amount == group.amount
                      and (g.currency is None or group.currency is None or g.currency == group.currency)), None)
        if match is None:
            seen.setdefault(key, []).append(group)
            continue
        reason = TWICE_REASON.format(file=match.file, campaign=match.campaign, month=f"{key[0]:%b %Y}",
                                     amount=f"{group.amount:,.2f}" + (f" {group.currency}" if group.currency else ""))
        for i in members[key]:
            staged.preset_aside[i] = reason
        flagged.append(f"{group.campaign} {key[0]:%b %Y} ({group.amount:,.2f})")
    if flagged:
        report.warnings.append(
            f"{len(flagged):,} month{'s' if len(flagged) != 1 else ''} of campaign spend in {plan.name} equal, to the "
            f"cent, spend already loaded from a file of another layout ({'; '.join(flagged[:5])}"
            f"{' …' if len(flagged) > 5 else ''}): set aside, not counted twice. If they are separate spend, "
            "undo this load and load the file on its own.")
