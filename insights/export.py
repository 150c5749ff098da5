"""Exports a spreadsheet or an email tool can open safely.

Every text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with ``'``
so that Excel, LibreOffice or Google Sheets show it as text instead of running it as a formula
(CSV/formula injection). Numbers stay numbers.
"""

from __future__ import annotations

import io

import pandas as pd

DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value):
    """``'=HYPERLINK(...)`` for ``=HYPERLINK(...)``; anything that is not risky text comes back unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_FIRST):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells are all safe to open in a spreadsheet."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(neutralise_cell).astype(object)
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def write_contacts(frame: pd.DataFrame, fmt: str = "csv") -> bytes:
    """CSV (UTF-8 with BOM, so Excel reads accents) or XLSX (openpyxl) bytes of a neutralised copy of ``frame``."""
    safe = neutralise_frame(frame)
    if fmt == "csv":
        return safe.to_csv(index=False).encode("utf-8-sig")
    if fmt == "xlsx":
        from openpyxl import Workbook
        wb = Workbook()
        ws = wb.active
        ws.title = "Contacts"
        ws.append(list(safe.columns))
        for row in safe.itertuples(index=False):
            ws.append([None if (not isinstance(v, str) and pd.isna(v)) else
                       (v.item() if hasattr(v, "item") else v) for v in row])
        for cell in ws[1]:
            cell.font = cell.font.copy(bold=True)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown export format {fmt!r}; expected 'csv' or 'xlsx'")


def to_email_csv(frame: pd.DataFrame) -> bytes:
    return write_contacts(frame, "csv")
