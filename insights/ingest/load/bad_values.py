"""Values that read but cannot be right: each gets a reason, never a silent number.

Every check here *rejects* the row (``rejects``: row, column, the value as written, the reason), so that the
row and money identities still hold (a rejected line's amount is in ``revenue_rejected``) and nothing odd is
loaded as ordinary revenue:

* a score outside its scale: NPS outside 0–10, stars outside 1–5, a satisfaction (CSAT) score outside the
  file's scale (the smallest of 1–5, 1–7, 1–10, 0–10 that holds 95% of its scores: a 7 in a 1–5 column is out);
* a zero quantity (no sale happened; its line total, if any, is rejected money);
* a negative unit price on a sale: not a cancellation (C invoice, cancelled status, negative quantity), not a
  return or refund, not postage/fee/adjustment (the macros of ``sql/staging/order_line_flags.sql``);
* a date far outside the file's span: before 1900 or after 2100 (year 0001, 9999), or more than
  ``FAR_YEARS`` years before the 5th or after the 95th percentile of the file's dates.

:func:`bad_value_checks` returns these checks (in the shape of ``rules.CHECKS``) with their masks; the checks of
``rules`` come first, so a value that cannot be read at all is reported as unreadable.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.mapping.headers import normalise_header

FAR_YEARS = 5
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100
CSAT_SCALES = ((1, 5), (1, 7), (1, 10), (0, 10))
SCALE_SHARE = 0.95

ZERO_QUANTITY = "quantity is zero (no sale)"
NEGATIVE_PRICE = "negative unit price on a sale (not a cancellation, return or adjustment)"
FAR_DATE = {"ordered_at": "order date far outside the file's other dates",
            "event_at": "event time far outside the file's other dates",
            "submitted_at": "answer date far outside the file's other dates"}
NPS_OUT = "NPS score outside 0–10"
STARS_OUT = "star rating outside 1–5"
CSAT_PREFIX = "satisfaction score outside"
CSAT_OUT = CSAT_PREFIX + " the file's {lo}–{hi} scale"
# the reasons the health report counts as "values that cannot be right" (and every CSAT_PREFIX reason)
BAD_VALUE_REASONS = (ZERO_QUANTITY, NEGATIVE_PRICE, *FAR_DATE.values(), NPS_OUT, STARS_OUT)

_DATE_FIELD = {"transactions": "ordered_at", "events": "event_at", "feedback": "submitted_at"}


def bad_value_checks(con, plan, staged) -> list[tuple[tuple, np.ndarray]]:
    """``((field, (term,), reason), mask)`` for every check of ``plan``'s values that has a failing row."""
    out: list[tuple[tuple, np.ndarray]] = []
    date_field = _DATE_FIELD.get(plan.kind)
    if date_field:      # an order date may come from an orders table of the same upload
        out.append(((date_field, (f"far:{date_field}",), FAR_DATE[date_field]),
                    far_dates(staged.columns[f"f_{date_field}"])))
    if plan.kind == "transactions" and plan.role != "orders":
        if plan.mapping.get("quantity") is not None:
            out.append((("quantity", ("zero:quantity",), ZERO_QUANTITY),
                        _filled(pc.equal(staged.columns["f_quantity"], 0))))
        if plan.mapping.get("unit_price") is not None:
            out.append((("unit_price", ("negative:unit_price",), NEGATIVE_PRICE), negative_prices(con, staged)))
    if plan.kind == "feedback" and plan.mapping.get("score") is not None:
        out.extend(score_checks(plan, staged))
    return [(check, mask) for check, mask in out if mask.any()]


def _filled(values) -> np.ndarray:
    return np.asarray(pc.fill_null(values, False).to_numpy(zero_copy_only=False), dtype=bool)


def far_dates(values: pa.Array) -> np.ndarray:
    """Dates before 1900 or after 2100, or more than ``FAR_YEARS`` years outside the bulk (5th–95th
    percentile) of the others."""
    span = pc.min_max(values).as_py()
    if span["min"] is None:
        return np.zeros(len(values), dtype=bool)
    if (span["min"].year >= EARLIEST_YEAR and span["max"].year <= LATEST_YEAR
            and (span["max"] - span["min"]).days <= FAR_YEARS * 365):
        return np.zeros(len(values), dtype=bool)       # nothing can be far: the quick answer of most files
    stamps = values.to_numpy(zero_copy_only=False).astype("datetime64[us]")
    known = ~np.isnat(stamps)
    years = np.where(known, stamps.astype("datetime64[Y]").astype(np.int64) + 1970, 0)
    far = known & ((years < EARLIEST_YEAR) | (years > LATEST_YEAR))
    usual = known & ~far
    if usual.sum() >= 20:
        micros = stamps[usual].astype(np.int64)
        low, high = np.percentile(micros, [5, 95])
        margin = FAR_YEARS * 365.25 * 86400e6
        as_int = np.where(usual, stamps.astype(np.int64), 0)
        far |= usual & ((as_int < low - margin) | (as_int > high + margin))
    return far


def negative_prices(con, staged) -> np.ndarray:
    """Lines with a positive quantity and a negative unit price that are not a cancellation, a return or a
    postage/fee/adjustment line (the macros of ``sql/staging/order_line_flags.sql``, defined by the loader)."""
    cols = staged.columns
    candidate = _filled(pc.and_(pc.less(cols["f_unit_price"], 0), pc.greater(cols["f_quantity"], 0)))
    if not candidate.any():
        return candidate
    idx = np.flatnonzero(candidate)
    take = pa.array(idx)
    lines = pa.table({"_idx": take, **{f: cols[f].take(take) for f in ("f_order_id", "f_status", "f_product_id",
                                                                        "f_product_name")}})
    con.register("_negative_prices", lines)
    try:
        sale = con.execute("""select _idx from _negative_prices
            where not (is_non_product_line(f_product_id, f_product_name) or status_says_cancelled(f_status)
                       or status_says_returned(f_status) or coalesce(is_cancellation_number(f_order_id), false))
            """).fetchall()
    finally:
        con.unregister("_negative_prices")
    out = np.zeros(staged.n, dtype=bool)
    out[[i for i, in sale]] = True
    return out


def score_checks(plan, staged) -> list[tuple[tuple, np.ndarray]]:
    """Per row, its scale: the row's type (nps / csat / review) where the file says it, else the score column's
    header, else its values (1–5 when 95% of the scores are, else 0–10 as NPS)."""
    scores = pc.cast(staged.columns["f_score"], pa.float64()).to_numpy(zero_copy_only=False)
    known = ~np.isnan(scores)
    kind_text = pc.utf8_lower(pc.fill_null(staged.columns["f_feedback_kind"], "")).to_numpy(zero_copy_only=False)
    says = np.array([_says(t) for t in kind_text], dtype=object) if len(kind_text) else np.array([], dtype=object)
    header = _says(normalise_header(plan.columns[plan.mapping["score"]]))
    if header is None:
        share = float(((scores >= 1) & (scores <= 5))[known].mean()) if known.any() else 1.0
        header = "stars" if share >= SCALE_SHARE else "nps"
    scale = np.where(says == None, header, says)  # noqa: E711 (elementwise)
    out = [(("score", ("range:nps",), NPS_OUT), known & (scale == "nps") & ((scores < 0) | (scores > 10))),
           (("score", ("range:stars",), STARS_OUT), known & (scale == "stars") & ((scores < 1) | (scores > 5)))]
    csat = known & (scale == "csat")
    if csat.any():
        lo, hi = next(((lo, hi) for lo, hi in CSAT_SCALES
                       if ((scores[csat] >= lo) & (scores[csat] <= hi)).mean() >= SCALE_SHARE), (0, 10))
        out.append((("score", ("range:csat",), CSAT_OUT.format(lo=lo, hi=hi)),
                    csat & ((scores < lo) | (scores > hi))))
    return out


def _says(text: str) -> str | None:
    """The scale a row's type or a column's header names: nps, csat, stars (None: it does not say)."""
    if not text:
        return None
    if "nps" in text or "promoter" in text or "recommend" in text or "howlikely" in text:
        return "nps"
    if "csat" in text or "satisf" in text:
        return "csat"
    if "review" in text or "rating" in text or "star" in text:
        return "stars"
    return None
