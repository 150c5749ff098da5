import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from insights.core.spreadsheet import neutralise_cell, neutralise_frame, write_table as write_contacts
from insights.core.workspace import Workspace


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


@pytest.mark.parametrize("text", ["=1+2", '=HYPERLINK("http://x","click")', "@SUM(A1)", "-2+3", "+49 30 1234"])
def test_xlsx_text_cells_keep_their_exact_text_as_strings(text):
    # an XLSX cell is typed: a string cell never runs, so no apostrophe is added to what the customer typed
    data = write_contacts(pd.DataFrame({"email": ["a@x.com"], "note": [text], text: [1.5]}), "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[2]] == ["a@x.com", text, 1.5]
    assert ws["B2"].data_type == "s" and ws["C1"].data_type == "s" and ws["C1"].value == text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")      # no formula element anywhere


def test_csv_is_utf8_with_bom_and_safe():
    data = write_contacts(pd.DataFrame({"name": ["Zoë", "+1"]}), "csv")
    assert data.startswith(b"\xef\xbb\xbf") and "'+1" in data.decode("utf-8-sig")


# ----- segment exports ------------------------------------------------------------------------------------
from insights.customers.export import ExportError, export_segment, format_from_path  # noqa: E402
from tests.helpers import workspace_from_tables  # noqa: E402
from tests.customers.test_segments import LINES  # noqa: E402

CRM = [dict(customer_id="c1", name="=HYPERLINK(\"http://x\")", email="-ann@example.com", consent_email=True),
       dict(customer_id="c2", name="Bob", email="bob@example.com", consent_email=False),
       dict(customer_id="c3", name="@Cara", email="cara@example.com"),            # consent unknown
       dict(customer_id="c4", name="Dan", consent_email=True)]                    # no email address


@pytest.fixture(scope="module")
def shop():
    ws = workspace_from_tables(order_lines=LINES, customer_records=CRM)
    yield ws
    ws.close()


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_each_risky_first_character_in_a_frame(first):
    safe = neutralise_frame(pd.DataFrame({"x": [first + "1", "ok"]}))
    assert safe["x"].tolist() == ["'" + first + "1", "ok"]


def test_only_consented_customers_unless_opted_in(shop):
    spec = [("country", "in", ["France", "Germany", "Spain"])]
    result = export_segment(shop, spec, "csv")
    rows = pd.read_csv(io.BytesIO(result.data), encoding="utf-8-sig", dtype=str)
    assert result.rows == 1 and rows["customer_id"].tolist() == ["c1"]
    assert result.left_out_for_consent == 3          # c2 said no, c3 and c5 unknown
    assert result.left_out_without_email == 1        # c4
    assert rows.loc[0, "email"] == "'-ann@example.com" and rows.loc[0, "name"].startswith("'=")
    everyone = export_segment(shop, spec, "xlsx", include_without_consent=True)
    sheet = openpyxl.load_workbook(io.BytesIO(everyone.data)).active
    values = {row[3]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert everyone.rows == 4 and everyone.left_out_for_consent == 0 and set(values) == {"c1", "c2", "c3", "c5"}
    assert values["c3"][1] == "@Cara" and values["c5"][0] == "eve@example.com"


def test_export_by_segment_name_and_errors(shop):
    result = export_segment(shop, "loyal", "csv")
    assert result.segment == "Loyal" and result.rows == 1
    assert export_segment(shop, "lifecycle:new", "csv", include_without_consent=True).segment == "new"
    with pytest.raises(ExportError, match="No segment named 'VIPs'"):
        export_segment(shop, "VIPs")
    with pytest.raises(ExportError, match="unknown export format"):
        export_segment(shop, "Loyal", "pdf")
    assert format_from_path("a/b.XLSX") == "xlsx"
    with pytest.raises(ExportError, match=".csv or .xlsx"):
        format_from_path("out.txt")


def test_export_command_writes_the_file(shop, tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    ws = Workspace.create("cli", root=tmp_path)
    from tests.helpers import insert_rows
    insert_rows(ws, "order_lines", LINES)
    insert_rows(ws, "customer_records", CRM)
    ws.build_marts()
    path = ws.path
    ws.close()
    out = tmp_path / "loyal.xlsx"
    assert main(["export", "segment", "Loyal", "--workspace", str(path), "--out", str(out)]) == 0
    assert "Wrote 1 customers" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).active.max_row == 2
    assert main(["segments", "--workspace", str(path), "--json"]) == 0
    import json

    from insights.customers.segments import default_segment_map
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, list) and sum(s["customers"] for s in data) == 5
    assert {s["segment"] for s in data} == {s["name"] for s in default_segment_map()["segments"]}
    loyal = next(s for s in data if s["segment"] == "Loyal")
    assert loyal["share_of_revenue"] == pytest.approx(60 / 160) and loyal["as_of"] == "2024-04-01"
    assert main(["segments", "--workspace", str(path), "--json", "--by", "lifecycle"]) == 0
    stages = json.loads(capsys.readouterr().out)
    assert [s["stage"] for s in stages] == ["new", "active", "reactivated", "at risk", "lapsed"]
    assert sum(s["customers"] for s in stages) == 5


def test_segment_contacts_counts_without_writing_and_matches_the_file(shop):
    from insights.customers.export import segment_contacts
    spec = [("country", "in", ["France", "Germany", "Spain"])]
    contacts = segment_contacts(shop, spec)
    assert len(contacts.rows) == 1 and contacts.left_out_for_consent == 3 and contacts.left_out_without_email == 1
    assert contacts.rows.loc[0, "email"] == "-ann@example.com"          # raw here; neutralised when written
    assert contacts.to_bytes("csv") == export_segment(shop, spec, "csv").data


def test_export_is_bytes_that_carry_the_counts(shop):
    result = export_segment(shop, [("country", "in", ["France"])], "csv", include_without_consent=True)
    assert isinstance(result, bytes) and bytes(result) == result.data
    assert result.rows == 2 and result.left_out_for_consent == 0 and result.left_out_without_email == 0
    assert result.data.decode("utf-8-sig").splitlines()[0].startswith("email,name,segment,customer_id")


def test_consent_filter_is_generic_for_any_contacts_frame():
    from insights.customers.export import consent_filter
    frame = pd.DataFrame({"email": ["a@x.com", "b@x.com", None, "c@x.com"], "consent_email": [True, False, True, None],
                          "churn_probability": [0.9, 0.8, 0.7, 0.6]})
    ws = Workspace.in_memory()
    kept, no_consent, no_email, suppressed, _rule = consent_filter(ws, frame)
    assert kept["email"].tolist() == ["a@x.com"] and (no_consent, no_email, suppressed) == (2, 1, 0)
    kept, no_consent, *_ = consent_filter(ws, frame, include_without_consent=True)
    assert len(kept) == 3 and no_consent == 0
    kept, no_consent, *_ = consent_filter(ws, frame.drop(columns=["consent_email"]))   # no consent column: no
    assert kept.empty and no_consent == 3
    ws.close()


def test_no_consent_ever_loaded_is_said_apart_from_customers_who_said_no(shop, tmp_path, capsys):
    from insights.cli import main
    from insights.core.workspace import Workspace
    from insights.customers.export import segment_contacts
    from tests.helpers import insert_rows
    spec = [("country", "in", ["France", "Germany", "Spain"])]
    assert export_segment(shop, spec).warnings == [] and segment_contacts(shop, spec).warnings == ()
    ws = Workspace.create("no-consent", root=tmp_path)
    insert_rows(ws, "order_lines", LINES)
    insert_rows(ws, "customer_records", [dict(customer_id="c1", email="ann@example.com")])   # no consent column
    ws.build_marts()
    result = export_segment(ws, spec)
    assert result.rows == 0
    warning, = result.warnings
    assert warning.startswith("No consent column: 0 customers can be e-mailed") and "Upload page" in warning
    assert segment_contacts(ws, spec).warnings == (warning,)
    assert export_segment(ws, spec, include_without_consent=True).warnings == []   # the owner confirmed
    path = ws.path
    ws.close()
    assert main(["export", "segment", "Loyal", "--workspace", str(path), "--out", str(tmp_path / "l.csv")]) == 0
    printed = capsys.readouterr().out
    assert "consent never loaded" in printed and "Warning: No consent column" in printed
