"""The feed as a report a manager reads without opening the app: one self-contained HTML file (charts as SVG
data URIs, styles inline: it opens offline, with no script and no request) — and the same content as a PDF
(:mod:`insights.feed.report_pdf`).

``feed_report(ws, since, as_of)`` gathers what both show: the ranked insights about periods ending after
``since``, each with its evidence chart (:mod:`insights.feed.report_charts`), and the summary of what is at stake.
Every text from the data is HTML-escaped.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass, field

from insights.core.money import format_money
from insights.feed.feed import build_feed, default_as_of
from insights.feed.insight import CONFIDENCE_WORDS, Insight
from insights.feed.outcome import outcome_words
from insights.feed.report_charts import figure_bytes, insight_chart, shop_series, stakes_chart
from insights.performance.kpis import workspace_currency

TOP = 10
OWNER_WORDS = {"owner": "the owner", "marketer": "marketing", "manager": "the shop manager",
               "operations": "operations"}
STATUS_WORDS = {"new": "new", "seen": "seen", "acted": "acted on", "closed": "closed", "dismissed": "dismissed"}


@dataclass
class FeedReport:
    """What the report shows: the shop, the dates, the insights (best first) and their charts by insight id
    (matplotlib figures; None for a kind without one)."""
    shop: str
    as_of: dt.date | None
    since: dt.date | None
    currency: str | None
    insights: list[Insight]
    charts: dict = field(default_factory=dict)
    stakes: object = None

    def money(self, amount) -> str:
        return format_money(amount, self.currency)

    @property
    def heading(self) -> str:
        return f"What changed in {self.shop}, why, and what to do"

    @property
    def subtitle(self) -> str:
        end = f"Data up to {self.as_of - dt.timedelta(days=1):%d %B %Y}" if self.as_of else "No orders yet"
        return end + (f"; insights about periods since {self.since:%d %B %Y}" if self.since else "") + "."

    @property
    def empty_words(self) -> str:
        when = f"since {self.since:%d %B %Y}" if self.since else "in the data"
        return (f"Nothing unusual {when}: revenue, orders, new customers and order value were where the weeks "
                "before predict, and no other finding cleared its bar.")


def feed_report(ws, since=None, as_of=None, top: int = TOP, insights: list[Insight] | None = None) -> FeedReport:
    """The report's content for ``ws``: the feed as of ``as_of`` (default: the end of the data) about periods
    ending after ``since``, its first ``top`` insights with their charts (``insights``: a feed already built)."""
    as_of = as_of or default_as_of(ws)
    found = insights if insights is not None else build_feed(ws, as_of=as_of, since=since)
    found = [i for i in found if i.status != "dismissed"][:top]
    currency = workspace_currency(ws)
    series = shop_series(ws, as_of) if as_of and any(i.kind == "anomaly" for i in found) else None
    charts = {i.id: insight_chart(i, series, currency) for i in found}
    return FeedReport(shop=getattr(ws, "name", "your shop") or "your shop", as_of=as_of,
                      since=since, currency=currency, insights=found, charts=charts,
                      stakes=stakes_chart(found, currency))


def _image(fig) -> str:
    if fig is None:
        return ""
    data = base64.b64encode(figure_bytes(fig, "svg")).decode("ascii")
    return f'<img class="chart" alt="chart" src="data:image/svg+xml;base64,{data}">'


STYLE = """
body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:880px;margin:2em auto;color:#1f2933;
line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}.sub{color:#52606d;margin-top:0}
.card{border:1px solid #d9e2ec;border-radius:8px;padding:1em 1.2em;margin:1.2em 0}
.card h2{font-size:1.1em;margin:.1em 0 .6em}.meta{color:#52606d;font-size:.9em}
.stake{float:right;text-align:right;margin-left:1em}.stake b{font-size:1.3em;display:block}
.chart{width:100%;max-width:640px;display:block;margin:.6em 0}
.outcome{background:#f0f4f8;border-left:4px solid #3d6fb6;padding:.5em .8em}
.empty{background:#e3f9e5;border-radius:8px;padding:1em}
footer{color:#7b8794;font-size:.8em;margin-top:2em}
"""


def _outcome(insight: Insight, report: FeedReport) -> str:
    words = outcome_words(insight.details.get("outcome"), report.currency)
    return f'<p class="outcome"><strong>Result.</strong> {html.escape(words)}</p>\n' if words else ""


def _card(rank: int, insight: Insight, report: FeedReport) -> str:
    e = html.escape
    cause = insight.action.get("cause")
    return f"""<section class="card" id="insight-{e(insight.id)}">
<div class="stake">At stake<b>{e(report.money(insight.impact))}</b>
<span class="meta">likely {e(report.money(insight.impact_low))} to {e(report.money(insight.impact_high))}</span></div>
<h2>{rank}. {e(insight.title)}</h2>
<p><strong>Why.</strong> {e(insight.why)}</p>
<p><strong>What to do.</strong> {e(insight.action['text'])}{e(f' (cause: {cause})') if cause else ''}</p>
{_outcome(insight, report)}{_image(report.charts.get(insight.id))}
<p class="meta">Who acts: {e(OWNER_WORDS.get(insight.owner, insight.owner))} · Status: {e(STATUS_WORDS.get(insight.status, insight.status))}
· {e(CONFIDENCE_WORDS[insight.confidence])} · Evidence in Clueboard: {e(insight.evidence_url)} · id {e(insight.id)}</p>
</section>"""


def render_html(report: FeedReport) -> str:
    """The report as one HTML document (UTF-8 text) that needs nothing else to open."""
    e = html.escape
    body = [f"<h1>{e(report.heading)}</h1>", f'<p class="sub">{e(report.subtitle)}</p>']
    if not report.insights:
        body.append(f'<p class="empty">{e(report.empty_words)}</p>')
    else:
        body.append(f"<p>{len(report.insights)} finding{'s' if len(report.insights) != 1 else ''}, the most money "
                    "at stake first (weighted by how sure we are).</p>")
        body.append(_image(report.stakes))
        body += [_card(rank, insight, report) for rank, insight in enumerate(report.insights, start=1)]
    body.append(f"<footer>Made by Clueboard on {dt.date.today():%d %B %Y}. Amounts in "
                f"{e(report.currency or 'the shop currency')}. An insight is shown only when its evidence clears "
                "a stated bar; see “For analysts” on the Insights page for the tests behind each.</footer>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{e(report.heading)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")
