"""The column layouts of the e-mail tools a segment is exported for, and the export's file name.

Mailchimp's contact import needs a column ``Email Address`` and recognises ``First Name``, ``Last Name`` and
``Tags`` (a tag of at most 100 characters; a comma would split it); it imports CSV or TXT files, not Excel.
Klaviyo's list upload recognises ``Email``, ``First Name`` and ``Last Name``; other columns become custom profile
properties. Clueboard's own layout (:data:`insights.customers.export.EXPORT_COLUMNS`) keeps every figure.

A customer's name is stored whole (a CRM's first and last name columns are joined at load), so the first word is
taken as the first name and the rest as the last name; a one-word name is a first name.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

LAYOUTS = {"clueboard": "Spreadsheet (every figure)", "mailchimp": "Mailchimp", "klaviyo": "Klaviyo"}
CSV_ONLY = {"mailchimp": "Mailchimp imports CSV or TXT files, not Excel workbooks"}
MAX_TAG = 100


def split_name(name) -> tuple[str, str]:
    """(first name, last name) from a whole name: ``"Anna de Vries"`` → ``("Anna", "de Vries")``."""
    if not isinstance(name, str) or not name.strip():
        return "", ""
    first, _, rest = " ".join(name.split()).partition(" ")
    return first, rest


def _tag(label: str) -> str:
    return " ".join(label.replace(",", " ").split())[:MAX_TAG]


def layout_rows(rows: pd.DataFrame, layout: str) -> pd.DataFrame:
    """The contacts (in Clueboard's export columns) in ``layout``'s columns, rows in the same order."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown e-mail tool {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if layout == "clueboard":
        return rows
    names = rows["name"].map(split_name)
    common = {
        "First Name": names.map(lambda n: n[0]),
        "Last Name": names.map(lambda n: n[1]),
        "Country": rows["country"],
        "Orders": rows["orders"],
        "Total Spent": rows["net_revenue"],
        "Last Order Date": rows["last_order_date"],
    }
    if layout == "mailchimp":
        out = {"Email Address": rows["email"], **common, "Tags": rows["segment"].map(_tag)}
    else:
        out = {"Email": rows["email"], **common, "Segment": rows["segment"]}
    return pd.DataFrame(out).reset_index(drop=True)


def file_name(label: str, layout: str, fmt: str, today: dt.date | None = None) -> str:
    """``vip-germany-mailchimp-2026-12-03.csv``: the segment's name in plain letters, the tool and the day."""
    slug = re.sub(r"[^a-z0-9]+", "-", label.casefold()).strip("-")[:60].strip("-") or "segment"
    tool = "" if layout == "clueboard" else f"-{layout}"
    return f"{slug}{tool}-{(today or dt.date.today()).isoformat()}.{fmt}"
