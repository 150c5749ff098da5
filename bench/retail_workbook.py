"""UCI's Online Retail as UCI ships it, ``Online Retail.xlsx``, written from the shared CSV (for the benchmark and
the tests; never into the repository).

    .venv/bin/python bench/retail_workbook.py OUT.xlsx      # from ../shared/data/uci_online_retail

The workbook holds what UCI's does: one sheet "Online Retail", a header row, quantities, prices and customer
numbers as numbers (``17850``), InvoiceDate as an Excel date-time serial with a date format, and text as openpyxl
writes it (inline strings): 541,910 rows, about 229 MB of sheet XML packed about 9 times, as the workbook
pandas/openpyxl write from the CSV. openpyxl's write-only mode takes over a minute of CPU for it; this writes the
same XML a block of rows at a time with pandas' vectorised string operations, several times faster.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
RETAIL_CSV = ROOT.parent / "shared" / "data" / "uci_online_retail" / "online_retail.csv.gz"
COLUMNS = ["InvoiceNo", "StockCode", "Description", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
BLOCK_ROWS = 50_000
EXCEL_EPOCH = pd.Timestamp("1899-12-30")

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"""
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="Online Retail" sheetId="1" r:id="rId1"/></sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
# style 1: Excel's built-in "m/d/yyyy h:mm" (number format 22), as UCI's InvoiceDate column
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"""
_SHEET_HEAD = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><dimension ref="A1:H{last}"/>\
<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>"""
_SHEET_TAIL = "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" " \
              "footer=\"0.3\"/></worksheet>"


def _escape(text: pd.Series) -> pd.Series:
    return text.str.replace("&", "&amp;", regex=False).str.replace("<", "&lt;", regex=False) \
        .str.replace(">", "&gt;", regex=False)


def _cells(raw: pd.DataFrame, rows: pd.Series) -> list[pd.Series]:
    """Per column, each row's ``<c>`` element ('' for an empty cell) — as openpyxl writes them; ``rows``: the
    sheet's row numbers, as text."""
    out = []
    for letter, name in zip("ABCDEFGH", COLUMNS):
        values = raw[name]
        ref = f'<c r="{letter}' + rows
        if name == "InvoiceDate":
            serial = (pd.to_datetime(values, format="%Y-%m-%d %H:%M:%S") - EXCEL_EPOCH) / pd.Timedelta(days=1)
            out.append(ref + '" s="1" t="n"><v>' + serial.map(repr) + "</v></c>")
            continue
        if name == "CustomerID":
            values = values.str.removesuffix(".0")
        numeric = values.str.fullmatch(r"-?(?:0|[1-9]\d*)(?:\.\d+)?")
        if name not in ("Quantity", "UnitPrice", "CustomerID"):
            numeric &= False                # invoice and stock numbers stay text, as pandas hands them on
        number = ref + '" t="n"><v>' + values + "</v></c>"
        spaced = values.str.match(r"^\s|.*\s$")
        text = ref + '" t="inlineStr"><is><t' + spaced.map({True: ' xml:space="preserve"', False: ""}) + ">" + \
            _escape(values) + "</t></is></c>"
        out.append(number.where(numeric, text).where(values != "", ""))
    return out


def write_online_retail_xlsx(path: Path, csv: Path = RETAIL_CSV, compresslevel: int = 6) -> Path:
    """``Online Retail.xlsx`` at ``path`` from UCI's rows in ``csv``; returns ``path``."""
    raw = pd.read_csv(csv, dtype=str, keep_default_na=False)[COLUMNS]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _ROOT_RELS)
        zf.writestr("xl/workbook.xml", _WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.format(last=len(raw) + 1).encode())
            header = "".join(f'<c r="{letter}1" t="inlineStr"><is><t>{name}</t></is></c>'
                             for letter, name in zip("ABCDEFGH", COLUMNS))
            sheet.write(f'<row r="1">{header}</row>'.encode())
            for start in range(0, len(raw), BLOCK_ROWS):
                block = raw.iloc[start:start + BLOCK_ROWS]
                numbers = pd.Series(np.arange(start + 2, start + 2 + len(block)), index=block.index).astype(str)
                cells = _cells(block, numbers)
                rows = '<row r="' + numbers + '">' + cells[0]
                for cell in cells[1:]:
                    rows = rows + cell
                sheet.write("".join(rows + "</row>").encode())
            sheet.write(_SHEET_TAIL.encode())
    return path


if __name__ == "__main__":
    write_online_retail_xlsx(Path(sys.argv[1]))
