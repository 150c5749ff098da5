"""Consent: a `marketing_consent` column and the words shops and e-mail tools write in it."""

import pandas as pd

from insights.ingest import ingest_files

VALUES = ["TRUE", "false", "yes", "No", "Y", "N", "1", "0", "x", "", "SUBSCRIBED", "UNSUBSCRIBED",
          "NEVER_SUBSCRIBED", "CLEANED", "pending", "ja", "nee", "oui", "sì", "falso"]
EXPECTED = [True, False, True, False, True, False, True, False, True, None, True, False,
            False, False, False, True, False, True, True, False]


def test_marketing_consent_column_is_read_as_email_consent(tmp_workspace, tmp_path):
    path = tmp_path / "crm.csv"
    rows = [f"C{i},c{i}@example.com,2024-01-0{1 + i % 9},{v}" for i, v in enumerate(VALUES)]
    path.write_text("customer_id,email,signup_date,marketing_consent\n" + "\n".join(rows) + "\n", encoding="utf-8")
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert f.rows_loaded == len(VALUES) and f.rows_rejected == 0
    got = tmp_workspace.con.execute(
        "select consent_email from customer_records order by source_row").df()["consent_email"]
    assert [None if v is None or v is pd.NA or v != v else bool(v) for v in got.astype(object)] == EXPECTED
