"""The report file in either format, for the digest command and the Insights page's download buttons: one code
path from a workspace to the bytes of ``report.html`` or ``report.pdf``."""

from __future__ import annotations

from insights.feed.insight import Insight
from insights.feed.report import FeedReport, feed_report, render_html
from insights.feed.report_pdf import render_pdf

KINDS = {"html": "text/html", "pdf": "application/pdf"}


def render(report: FeedReport, kind: str) -> bytes:
    """``html`` (UTF-8) or ``pdf`` bytes of a report."""
    if kind not in KINDS:
        raise ValueError(f"a report is html or pdf, not {kind!r}")
    return render_pdf(report) if kind == "pdf" else render_html(report).encode("utf-8")


def report_bytes(ws, kind: str, since=None, as_of=None, insights: list[Insight] | None = None) -> bytes:
    """The report of ``ws`` (the feed as of ``as_of`` about periods ending after ``since``, or these
    ``insights``) as ``kind`` bytes."""
    return render(feed_report(ws, since=since, as_of=as_of, insights=insights), kind)
