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


# ----- consent by the header's words and the values --------------------------------------------------------
import json  # noqa: E402
from pathlib import Path  # noqa: E402

from insights.cli import main  # noqa: E402
from insights.ingest import health_report, prepare_file  # noqa: E402
from insights.ingest.mapping.headers import consent_field_named  # noqa: E402

VENDOR = Path(__file__).parent / "vendor_exports"


def test_consent_columns_are_found_by_their_words_and_yes_no_values(tmp_path):
    # a till's CRM export: no header is a known spelling, but the words and the Y/N values say consent
    path = tmp_path / "kundenliste.csv"
    path.write_text(
        "Kundennummer,E-Mail,Marketing OK?,Texts opt in (Y/N),Marketing Channel,OPTIN_TIME,Unsubscribed\n"
        "K1,a@example.com,Y,N,Paid Social,2024-01-02 10:00,no\n"
        "K2,b@example.com,n,y,Email,2024-01-03 10:00,yes\n"
        "K3,c@example.com,,Y,Email,2024-01-04 10:00,no\n", encoding="utf-8")
    plan = prepare_file(path)
    assert plan.kind == "customers"
    named = plan.mapping_by_header()
    assert named["consent_email"] == "Marketing OK?" and named["consent_sms"] == "Texts opt in (Y/N)"
    assert named["channel"] == "Marketing Channel"
    # a time, or a header that says the opposite, is never the opt-in
    assert "OPTIN_TIME" not in (named["consent_email"], named["consent_sms"])


def test_consent_header_words_in_a_few_languages():
    for header in ("marketing_consent", "Newsletter (ja/nee)", "Einwilligung Werbung", "GDPR consent given",
                   "Accepts Email Marketing", "wants_newsletter", "Opt-in nieuwsbrief"):
        assert consent_field_named(header) == "consent_email", header
    assert consent_field_named("SMS marketing opt in") == "consent_sms"
    for header in ("UNSUB_TIME", "Email Marketing Consent Timestamp", "Do not email", "Opted out of marketing",
                   "Subscribed", "Promo code used", "Customer ID"):
        assert consent_field_named(header) is None, header


def test_mailchimp_exports_imply_consent_and_klaviyo_states_are_read(tmp_workspace):
    files = [VENDOR / f"mailchimp_{s}_members_export.csv" for s in ("subscribed", "unsubscribed", "cleaned")]
    report = ingest_files(tmp_workspace, files + [VENDOR / "klaviyo_profiles.csv"])
    subscribed, unsubscribed, cleaned, klaviyo = report.files
    assert [f.kind for f in report.files] == ["customers"] * 4 and not any(f.warnings for f in report.files)
    assert "subscribed contacts" in subscribed.notes[-1] and "recorded as yes" in subscribed.notes[-1]
    assert "unsubscribed contacts" in unsubscribed.notes[-1] and "recorded as no" in unsubscribed.notes[-1]
    assert "cleaned contacts" in cleaned.notes[-1]
    con = tmp_workspace.con
    by_file = dict(con.execute("""select f.name, list(distinct r.consent_email) from customer_records r
                                  join files f on f.file_id = r.source_file group by all""").fetchall())
    assert by_file[subscribed.name] == [True] and by_file[unsubscribed.name] == [False]
    assert by_file[cleaned.name] == [False] and sorted(by_file[klaviyo.name]) == [False, True]
    # the time and reason of an unsubscribe are kept with the record
    kept = con.execute("""select attributes->>'$.UNSUB_TIME', attributes->>'$.UNSUB_REASON' from customer_records r
                          join files f on f.file_id = r.source_file where f.name = ? order by source_row limit 1""",
                       [unsubscribed.name]).fetchall()[0]
    assert kept == ("2023-12-30 08:15:00", "NORMAL")
    never = con.execute("""select count(*) from customer_records where email = 'jeroen.smits@example.net'
                           and consent_sms = false""").fetchall()[0][0]
    assert never == 1                                   # Klaviyo's NEVER_SUBSCRIBED is no
    # after identity resolution: a person is contactable only if no record of theirs withholds consent
    expected = con.execute("""select count(*) from customers where consent_email and email is not null""").fetchall()
    assert report.workspace["consenting_customers"] == expected[0][0] > 0


def test_a_customer_file_without_consent_says_so(tmp_workspace, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("customer_id,email,name\nC1,a@example.com,Ann\nC2,b@example.com,Bob\n", encoding="utf-8")
    report = ingest_files(tmp_workspace, [path])
    warning, = report.files[0].warnings
    assert warning.startswith("No consent column") and "2 customers" in warning and "Upload page" in warning
    assert report.workspace["consenting_customers"] == 0
    item = {i.key: i for i in health_report(tmp_workspace)}["consent"]
    assert item.severity == "warning" and item.value == "0" and "No consent column" in item.meaning
    assert item.action


def test_ingest_json_has_warnings_consenting_customers_and_currencies(tmp_path, capsys):
    crm = tmp_path / "crm.csv"
    crm.write_text("customer_id,email,newsletter_optin_yn\nC1,a@example.com,ja\nC2,b@example.com,nee\n"
                   "C3,c@example.com,ja\n", encoding="utf-8")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,order_date,customer_id,quantity,unit_price,currency\n"
                      "A1,2024-01-05,C1,2,9.99,EUR\nA2,2024-01-06,C2,1,5.00,EUR\nA3,2024-01-07,C3,1,7.50,usd\n",
                      encoding="utf-8")
    assert main(["ingest", str(crm), str(orders), "--workspace", str(tmp_path / "ws"), "--json", "--yes"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [f["warnings"] for f in out["files"]] == [[], []]
    assert out["files"][0]["mapping"]["consent_email"] == "newsletter_optin_yn"
    assert out["workspace"]["consenting_customers"] == 2
    assert [{k: c[k] for k in ("currency", "order_lines", "net_revenue", "left_out_lines")}
            for c in out["workspace"]["currencies"]] == [
        {"currency": "EUR", "order_lines": 2, "net_revenue": 24.98, "left_out_lines": 0},
        {"currency": "USD", "order_lines": 1, "net_revenue": 7.5, "left_out_lines": 1}]     # no rate: left out
    assert out["workspace"]["reporting_currency"] == "EUR" and out["workspace"]["net_revenue"] == 24.98
