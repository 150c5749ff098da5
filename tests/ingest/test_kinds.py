"""Every file gets the right kind: the whole header and the values weigh in, not one field. Web-analytics exports
with an order id are events, a visit log is events, surveys and reviews are feedback (question-text headers, a
SurveyMonkey second header row), and nothing that was recognised before changes kind."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from insights.ingest import ingest_files, prepare_file
from insights.ingest.mapping import propose
from insights.ingest.mapping.headers import GUESS_BELOW, kind_confidence
from tests.corpus.make_corpus import make_corpus

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "tests" / "ingest" / "vendor_exports"

EVENT_CYCLE = ["page_view", "view_product", "view_product", "add_to_cart", "page_view", "purchase"]


def _web_events(path: Path, sessions: int = 10) -> Path:
    """A web-analytics export: one row per event, an order id on purchases only, a SKU on product events."""
    lines = ["session_id,timestamp,customer_id,anonymous_id,event,sku,order_id"]
    for s in range(sessions):
        for step, event in enumerate(EVENT_CYCLE):
            sku = f"SKU-{s % 4:03d}" if event in ("view_product", "add_to_cart", "purchase") else ""
            order = f"ORD-{1000 + s}" if event == "purchase" else ""
            customer = f"C{s % 7}" if s % 3 else ""
            lines.append(f"S{s:04d},2024-03-{1 + s % 28:02d} 10:{step * 3:02d}:00,{customer},anon-{s:05d},"
                         f"{event},{sku},{order}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_web_analytics_export_with_order_ids_is_events_and_every_row_is_kept(tmp_workspace, tmp_path):
    path = _web_events(tmp_path / "web.csv")
    plan = prepare_file(path)
    assert plan.kind == "events"
    assert plan.mapping_by_header()["event_name"] == "event" and plan.mapping_by_header()["session_id"] == "session_id"
    assert plan.kind_runner_up == "transactions" and plan.kind_confidence >= GUESS_BELOW
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert (f.kind, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == ("events", 60, 60, 0, 0)
    types = dict(tmp_workspace.con.execute(
        "select event_type, count(*) from events group by 1").fetchall())
    assert types == {"view": 40, "cart": 10, "purchase": 10}
    orders = tmp_workspace.con.execute("select count(distinct order_id) from events where order_id is not null")
    assert orders.fetchone()[0] == 10


def test_matomo_visit_log_is_events_one_row_per_visit(tmp_workspace):
    plan = prepare_file(VENDOR / "matomo_visits_log.csv")
    assert plan.kind == "events"
    assert plan.mapping_by_header()["session_id"] == "idVisit"
    assert plan.mapping_by_header()["event_at"] == "lastActionDateTime"
    f = ingest_files(tmp_workspace, [VENDOR / "matomo_visits_log.csv"]).files[0]
    assert (f.kind, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == ("events", 20, 20, 0, 0)
    first = tmp_workspace.con.execute(
        "select session_id, event_at, device from events where source_row = 2").fetchone()
    assert first[0] == "48000" and str(first[1]) == "2024-04-03 11:47:55" and first[2] == "Smartphone"


def _feedback(ws, source_row):
    return ws.con.execute("select score, text, submitted_at, email, order_id from feedback where source_row = ?",
                          [source_row]).fetchone()


def test_typeform_question_columns_are_score_and_comment_despite_a_hidden_order_id(tmp_workspace):
    path = VENDOR / "typeform_nps_responses.csv"
    plan = prepare_file(path)
    assert plan.kind == "feedback" and plan.kind_runner_up == "transactions"
    mapped = plan.mapping_by_header()
    assert mapped["score"].startswith("Hoe waarschijnlijk") and mapped["text"].startswith("Wat is de belangrijkste")
    assert mapped["submitted_at"] == "Submit Date (UTC)" and mapped["order_id"] == "order_id"
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert (f.kind, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == ("feedback", 28, 28, 0, 0)
    score, text, submitted, email, order = _feedback(tmp_workspace, 2)
    assert (score, text, str(submitted)) == (10.0, "Heerlijke bonen en supersnelle levering.", "2024-02-01 10:01:00")
    assert (email, order) == ("anouk.verbeek@example.com", "1001")
    # a partial response: a score, no comment, no submit date
    assert _feedback(tmp_workspace, 15)[:3] == (10.0, None, None)


@pytest.mark.parametrize("name, first_row", [("surveymonkey_nps_single_header.csv", 2),
                                             ("surveymonkey_nps_tworow_header.csv", 3)])
def test_surveymonkey_is_feedback_dated_by_its_end_date(tmp_workspace, name, first_row):
    plan = prepare_file(VENDOR / name)
    assert plan.kind == "feedback"
    mapped = plan.mapping_by_header()
    assert mapped["submitted_at"] == "End Date" and mapped["score"].startswith("How likely is it")
    assert mapped["text"] == "What is the primary reason for your score?"
    f = ingest_files(tmp_workspace, [VENDOR / name]).files[0]
    assert (f.kind, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == ("feedback", 24, 24, 0, 0)
    score, text, submitted, email, _ = _feedback(tmp_workspace, first_row)
    assert (score, text) == (10.0, "Loved the workshop, staff were so helpful.")
    assert (str(submitted), email) == ("2024-03-11 09:02:17", "olivia.hart@example.com")
    assert _feedback(tmp_workspace, first_row + 2)[:2] == (6.0, "Plant arrived damaged but they refunded quickly.")
    # no customer records come out of a survey: the respondents did not cancel anything
    assert tmp_workspace.con.execute("select count(*) from customer_records").fetchone()[0] == 0


def test_surveymonkey_second_header_row_is_header_not_data():
    plan = prepare_file(VENDOR / "surveymonkey_nps_tworow_header.csv")
    assert plan.raw.num_rows == 24 and int(plan.raw.source_rows[0].as_py()) == 3
    assert "Response" not in plan.raw.data.column(plan.columns.index(plan.mapping_by_header()["score"])).to_pylist()
    assert any("second header row" in n for n in plan.raw.notes)


def test_trustpilot_reviews_are_feedback_with_stars_and_content(tmp_workspace):
    path = VENDOR / "trustpilot_reviews.csv"
    plan = prepare_file(path)
    assert plan.kind == "feedback"
    assert {k: plan.mapping_by_header()[k] for k in ("submitted_at", "score", "text")} == {
        "submitted_at": "Review Created Date (UTC)", "score": "Review Stars", "text": "Review Content"}
    f = ingest_files(tmp_workspace, [path]).files[0]
    assert (f.kind, f.rows_read, f.rows_loaded, f.rows_rejected, f.rows_set_aside) == ("feedback", 22, 22, 0, 0)
    score, text, submitted, _, order = _feedback(tmp_workspace, 3)
    assert (score, text) == (5.0, "De espresso blend is fantastisch, volgende dag al in huis.")
    assert (str(submitted), order) == ("2024-04-09 10:21:00", "1009")
    with open(path, encoding="utf-8", newline="") as fh:
        stars = [int(r["Review Stars"]) for r in csv.DictReader(fh)]
    assert tmp_workspace.con.execute("select sum(score), count(text) from feedback").fetchone() == (
        float(sum(stars)), len(stars))


def test_question_headers_with_plain_names():
    """A 'Rating' / 'Comment' / 'Date' survey is feedback; 'What could we do better?' is the comment."""
    headers = ["Date", "Rating", "What could we do better?", "Email"]
    proposal = propose(headers, None, [], has_header=True)
    assert proposal.kind == "feedback"
    assert proposal.mapping["submitted_at"] == 0 and proposal.mapping["score"] == 1 and proposal.mapping["text"] == 2


def test_confidence_follows_the_evidence():
    assert kind_confidence({"transactions": 3, "customers": 0, "events": 0, "feedback": 0}) == (0.6, None)
    sure, runner_up = kind_confidence({"transactions": 14, "customers": 2, "events": 0, "feedback": 0})
    assert sure > 0.99 and runner_up == "customers"
    tie, _ = kind_confidence({"transactions": 5, "customers": 5, "events": 0, "feedback": 0})
    assert tie < 0.5
    assert kind_confidence({k: 0 for k in ("transactions", "customers", "events", "feedback")}) == (0.25, None)


# the kind every file of the corpus had before kinds weighed the whole header and the content
CORPUS_KINDS = {
    "transactions": ["utf8.csv", "utf8_bom.csv", "utf16le_bom.csv", "utf16be_bom.tsv", "cp1252_accents.csv",
                     "semicolon.csv", "tab.tsv", "pipe.txt", "crlf.csv", "whitespace_cdnow.txt", "decimal_comma.csv",
                     "ambiguous_dates.csv", "mdy_dates.csv", "excel_serial_dates.csv", "mixed_currencies.csv",
                     "header_only.csv", "duplicate_headers.csv", "ragged_rows.csv", "trailing_empty_fields.csv",
                     "title_above_header.csv", "blank_lines_between.csv", "no_header_numbers.csv",
                     "no_trailing_newline.csv", "gzipped.csv.gz", "orders.xlsx", "multi_sheet.xlsx",
                     "title_above_header.xlsx", "blank_rows.xlsx", "duplicate_headers.xlsx", "header_only.xlsx",
                     "text_named.xlsx", "orders.parquet", "too_large.csv", "utf16le_no_bom.csv", "old_mac_cr.csv",
                     "inch_marks.csv", "trailing_delimiter_everywhere.csv", "banner_semicolon_decimal_comma.csv",
                     "nbsp_thousands.csv", "float_noise.xlsx"],
    "customers": ["latin1_accents.csv", "utf8_accents.csv", "single_column.csv", "leading_zero_ids.csv",
                  "latin1_not_cp1252.csv", "formula_cells.xlsx"],
    "feedback": ["formula_cells.csv", "quoted_newlines.csv"],
}
SAMPLE_KINDS = {"orders.csv": "transactions", "customers.csv": "customers", "web_events.csv": "events",
                "feedback.csv": "feedback", "marketing_spend.csv": "spend"}
VENDOR_KINDS = {
    "transactions": ["etsy_sold_order_items.csv", "etsy_sold_orders.csv", "lightspeed_vend_sales_history.csv",
                     "shopify_orders.csv", "square_items.csv", "square_transactions.csv",
                     "stripe_unified_payments.csv", "woocommerce_analytics_orders.csv",
                     "woocommerce_order_export_plugin.csv"],
    "customers": ["klaviyo_profiles.csv", "mailchimp_cleaned_members_export.csv",
                  "mailchimp_subscribed_members_export.csv", "mailchimp_unsubscribed_members_export.csv",
                  "shopify_customers.csv"],
    # recognised since this change (customers, transactions and customers before)
    "events": ["ga4_bigquery_events_flat.csv", "matomo_visits_log.csv"],
    "feedback": ["typeform_nps_responses.csv", "surveymonkey_nps_single_header.csv",
                 "surveymonkey_nps_tworow_header.csv", "trustpilot_reviews.csv"],
    "spend": ["google_ads_campaign_report.csv", "meta_ads_manager_export.csv",
              "microsoft_ads_campaign_performance.csv", "monthly_marketing_budget.csv"],
}
SHARED_KINDS = {
    "amazon_alexa_reviews/amazon_alexa.tsv": "feedback",
    "olist_brazilian_ecommerce/sample_15k_orders/olist_order_reviews_dataset.csv": "feedback",
    "cdnow/CDNOW_master.txt": "transactions",
    "uci_online_retail/online_retail.csv.gz": "transactions",
    "olist_brazilian_ecommerce/sample_15k_orders/olist_orders_dataset.csv": "transactions",
    "olist_brazilian_ecommerce/sample_15k_orders/olist_order_items_dataset.csv": "transactions",
    "olist_brazilian_ecommerce/sample_15k_orders/olist_order_payments_dataset.csv": "transactions",
    "olist_brazilian_ecommerce/sample_15k_orders/olist_customers_dataset.csv": "customers",
    "ibm_telco_customer_churn/WA_Fn-UseC_-Telco-Customer-Churn.csv": "customers",
}


def test_every_corpus_file_keeps_its_kind(tmp_path):
    paths = make_corpus(tmp_path)
    got = {name: prepare_file(paths[name]).kind for names in CORPUS_KINDS.values() for name in names}
    assert got == {name: kind for kind, names in CORPUS_KINDS.items() for name in names}


def test_sample_data_and_vendor_exports_have_their_kinds():
    got = {name: prepare_file(ROOT / "sample_data" / name).kind for name in SAMPLE_KINDS}
    assert got == SAMPLE_KINDS
    got = {name: prepare_file(VENDOR / name).kind for names in VENDOR_KINDS.values() for name in names}
    assert got == {name: kind for kind, names in VENDOR_KINDS.items() for name in names}
    # what the owner of the bundled sample is told: none of its files is a guess
    assert min(prepare_file(ROOT / "sample_data" / n).kind_confidence for n in SAMPLE_KINDS) >= GUESS_BELOW


def test_public_datasets_keep_their_kinds(shared_data):
    got = {name: prepare_file(shared_data / name).kind for name in SHARED_KINDS}
    assert got == SHARED_KINDS
