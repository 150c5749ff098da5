import io

import openpyxl
import pandas as pd
import pytest

from insights.export import neutralise_cell, neutralise_frame, write_contacts


@pytest.mark.parametrize("text", ["=1+1", "+49 30 1234", "-2", "@SUM(A1)", "\tX", "\rX",
                                  '=HYPERLINK("http://x","click")'])
def test_risky_first_characters_are_neutralised(text):
    assert neutralise_cell(text) == "'" + text


def test_harmless_values_are_unchanged():
    assert neutralise_cell("Anna") == "Anna"
    assert neutralise_cell(-2) == -2 and neutralise_cell(None) is None


def test_frame_and_headers_are_neutralised_and_numbers_stay_numbers():
    frame = pd.DataFrame({"name": ["=cmd|' /C calc'!A0", "Bob"], "=spend": [1.5, -3.0]})
    safe = neutralise_frame(frame)
    assert safe.iloc[0, 0].startswith("'=") and list(safe.columns) == ["name", "'=spend"]
    assert safe.iloc[1, 1] == -3.0


def test_xlsx_cells_hold_the_neutralised_text():
    data = write_contacts(pd.DataFrame({"email": ["a@x.com"], "note": ["@evil"]}), "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[2]] == ["a@x.com", "'@evil"]
    assert ws["B2"].data_type == "s"


def test_csv_is_utf8_with_bom_and_safe():
    data = write_contacts(pd.DataFrame({"name": ["Zoë", "+1"]}), "csv")
    assert data.startswith(b"\xef\xbb\xbf") and "'+1" in data.decode("utf-8-sig")
