"""The feed's report as a PDF (fpdf2): the same content as the HTML report (:mod:`insights.feed.report`), charts
as PNG images drawn by matplotlib — no browser, no download, no network. Text is set in DejaVu Sans, the font
that ships inside matplotlib, so "€", "–" and quotes print as they are."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib
from fpdf import FPDF

from insights.feed.insight import CONFIDENCE_WORDS
from insights.feed.outcome import outcome_words
from insights.feed.report import OWNER_WORDS, STATUS_WORDS, FeedReport
from insights.feed.report_charts import figure_bytes

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
WIDTH = 180          # mm of text width on A4 with 15 mm margins


def _pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("Clueboard")
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, size: float = 10, style: str = "", colour=(31, 41, 51), gap: float = 1.5) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(WIDTH, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _chart(pdf: FPDF, fig, width: float = 150) -> None:
    if fig is None:
        return
    png = figure_bytes(fig, "png")
    pdf.image(io.BytesIO(png), w=width)
    pdf.ln(2)


def render_pdf(report: FeedReport) -> bytes:
    """The report as PDF bytes."""
    pdf = _pdf()
    pdf.set_title(report.heading)
    _text(pdf, report.heading, 16, "B")
    _text(pdf, report.subtitle, 9, colour=(82, 96, 109), gap=4)
    if not report.insights:
        _text(pdf, report.empty_words, 11)
        return bytes(pdf.output())
    _text(pdf, f"{len(report.insights)} finding{'s' if len(report.insights) != 1 else ''}, the most money at stake "
               "first (weighted by how sure we are).")
    _chart(pdf, report.stakes)
    for rank, insight in enumerate(report.insights, start=1):
        if pdf.get_y() > 230:
            pdf.add_page()
        pdf.set_draw_color(217, 226, 236)
        pdf.line(15, pdf.get_y(), 195, pdf.get_y())
        pdf.ln(3)
        _text(pdf, f"{rank}. {insight.title}", 11.5, "B")
        _text(pdf, f"At stake {report.money(insight.impact)} (likely {report.money(insight.impact_low)} to "
                   f"{report.money(insight.impact_high)}). {CONFIDENCE_WORDS[insight.confidence]}", 9,
              colour=(82, 96, 109))
        _text(pdf, f"Why. {insight.why}")
        cause = insight.action.get("cause")
        _text(pdf, f"What to do. {insight.action['text']}" + (f" (cause: {cause})" if cause else ""))
        result = outcome_words(insight.details.get("outcome"), report.currency)
        if result:
            _text(pdf, f"Result. {result}", colour=(61, 111, 182))
        _chart(pdf, report.charts.get(insight.id))
        _text(pdf, f"Who acts: {OWNER_WORDS.get(insight.owner, insight.owner)} · Status: "
                   f"{STATUS_WORDS.get(insight.status, insight.status)} · Evidence in Clueboard: {insight.evidence_url} "
                   f"· id {insight.id}", 8, colour=(123, 135, 148), gap=4)
    return bytes(pdf.output())
