"""The report: a self-contained HTML file (charts inside, nothing fetched, every text escaped), the same as a PDF
that renders, and the digest command that writes either for a cron job."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from insights.cli import main
from insights.core.workspace import Workspace
from insights.feed.digest import report_bytes
from insights.feed.insight import Insight
from insights.feed.report import FeedReport, feed_report, render_html
from insights.feed.report_pdf import render_pdf
from tests.feed.shops import STOCKOUT_CATEGORY, simulate
from tests.helpers import insert_rows


@pytest.fixture(scope="module")
def shop_folder(tmp_path_factory):
    ws = Workspace.create("Stock-out <shop>", root=tmp_path_factory.mktemp("report") / "workspaces")
    insert_rows(ws, "order_lines", simulate(1, "stockout", orders_per_day=40)["order_lines"])
    ws.build_marts()
    folder = ws.path
    ws.close()
    return folder


@pytest.fixture(scope="module")
def report(shop_folder):
    ws = Workspace.open(shop_folder)
    try:
        yield feed_report(ws)
    finally:
        ws.close()


def test_the_html_report_holds_its_charts_and_fetches_nothing(report):
    page = render_html(report)
    stockout = next(i for i in report.insights if i.period == "2024-10" and i.kind == "anomaly")
    assert f"Restock {STOCKOUT_CATEGORY}" in page and "Stock-out &lt;shop&gt;" in page      # the name is escaped
    images = re.findall(r'<img[^>]+src="([^"]+)"', page)
    assert len(images) >= 2 and all(src.startswith("data:image/svg+xml;base64,") for src in images)
    assert f'id="insight-{stockout.id}"' in page
    assert not re.search(r'(src|href)="(https?:)?//', page) and "<script" not in page and "@import" not in page


def test_text_from_the_data_is_escaped_and_an_empty_report_says_nothing_unusual():
    odd = Insight(kind="funnel", title="Checkout <script>alert(1)</script> on “mobile”", why="a & b", owner="manager",
                  action={"text": "<b>fix</b>"}, period="2025-01", metric="conversion",
                  subject={"dimension": "device", "value": "<i>"}, impact=10, impact_low=5, impact_high=20,
                  confidence="high", evidence_url="/funnel", details={"rate": 0.1, "rest_rate": 0.3})
    page = render_html(FeedReport(shop="S", as_of=None, since=None, currency="EUR", insights=[odd]))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;fix" in page
    empty = render_html(FeedReport(shop="S", as_of=None, since=None, currency="EUR", insights=[]))
    assert "Nothing unusual in the data" in empty


def test_the_pdf_renders_its_pages(report, tmp_path):
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF-") and b"/Image" in pdf
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the PDF was written but not rasterised")
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    [png] = list(tmp_path.glob("page*.png"))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 5_000


def test_digest_writes_html_or_pdf_for_a_cron_job(shop_folder, tmp_path, capsys):
    assert main(["digest", "--workspace", str(shop_folder), "--since", "2024-09-01", "--out",
                 str(tmp_path / "week.html")]) == 0
    assert "Revenue in October 2024" in (tmp_path / "week.html").read_text(encoding="utf-8")
    assert main(["digest", "--workspace", str(shop_folder), "--out", str(tmp_path / "week.pdf")]) == 0
    assert (tmp_path / "week.pdf").read_bytes().startswith(b"%PDF-")
    assert "Wrote" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="html or .pdf"):
        main(["digest", "--workspace", str(shop_folder), "--out", str(tmp_path / "week.docx")])


def test_report_bytes_refuses_an_unknown_format(shop_folder):
    ws = Workspace.open(shop_folder)
    try:
        with pytest.raises(ValueError, match="html or pdf"):
            report_bytes(ws, "docx")
    finally:
        ws.close()
