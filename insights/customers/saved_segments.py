"""Named segments the owner saved from the segment builder: saved, listed, reopened, compared, deleted.

A saved segment keeps its *filters* (a builder spec), not its members: opened after the next upload, it selects
the customers who match it then. Kept in the workspace table ``saved_segments`` (``sql/queries/customers/
saved_segments/``), which is not a mart, so it survives uploads. Names are unique ignoring case and cannot take
the name of a built-in RFM segment or lifecycle stage (an export by that name would be ambiguous).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pandas as pd

from insights.core.db import query_df, sql_text, table_exists
from insights.core.workspace import connection
from insights.customers.lifecycle import STAGES
from insights.customers.segment_builder import describe_spec, flag_customers, segment_figures, validate_spec
from insights.customers.segments import default_segment_map

TABLE = "saved_segments"
MAX_NAME = 80


class SavedSegmentError(ValueError):
    """A segment cannot be saved, found or deleted as asked (the message says why, in the owner's words)."""


@dataclass(frozen=True)
class SavedSegment:
    name: str
    spec: list[tuple]
    created_at: dt.datetime
    updated_at: dt.datetime

    @property
    def description(self) -> str:
        return describe_spec(self.spec)


def _key(name: str) -> str:
    return " ".join(name.split()).casefold()


def builtin_names() -> list[str]:
    """The RFM segment and lifecycle stage names an export already knows by name."""
    return [s["name"] for s in default_segment_map()["segments"]] + list(STAGES)


def clean_name(name) -> str:
    """The name as it will be stored (inner runs of spaces made one), or a SavedSegmentError saying what is wrong."""
    if not isinstance(name, str) or not name.strip():
        raise SavedSegmentError("Give the segment a name.")
    cleaned = " ".join(name.split())
    if len(cleaned) > MAX_NAME:
        raise SavedSegmentError(f"A segment name has at most {MAX_NAME} characters; this one has {len(cleaned)}.")
    if _key(cleaned) in {_key(n) for n in builtin_names()}:
        raise SavedSegmentError(f"{cleaned!r} is already the name of a built-in segment or lifecycle stage; "
                                "choose another name.")
    return cleaned


def _spec_json(spec) -> str:
    filters = validate_spec(spec)
    if not filters:
        raise SavedSegmentError("The segment has no filters (it would be every customer): pick at least one.")

    def plain(value):
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    return json.dumps([[f.field, f.op, plain(f.value)] for f in filters])


def _spec_from_json(text: str) -> list[tuple]:
    return [(f, op, tuple(v) if op == "between" else v) for f, op, v in json.loads(text)]


def save(ws, name, spec, replace: bool = False) -> SavedSegment:
    """Save ``spec`` under ``name``. A SavedSegmentError when the name is taken (unless ``replace``), empty, too
    long or a built-in segment's, or when the spec has no filters; a SegmentSpecError when a filter is invalid."""
    cleaned = clean_name(name)
    spec_text = _spec_json(spec)
    existing = get(ws, cleaned, missing_ok=True)
    if existing is not None and not replace:
        raise SavedSegmentError(f"A segment named {existing.name!r} already exists: replace it, or choose another "
                                "name.")
    con = connection(ws)
    con.execute(sql_text("queries/customers/saved_segments/create.sql"))
    con.execute(sql_text("queries/customers/saved_segments/write.sql"),
                {"name_key": _key(cleaned), "name": cleaned, "spec": spec_text,
                 "now": dt.datetime.now().replace(microsecond=0)})
    return get(ws, cleaned)


def saved(ws) -> list[SavedSegment]:
    """Every saved segment, by name."""
    con = connection(ws)
    if not table_exists(con, TABLE):
        return []
    frame = query_df(con, "queries/customers/saved_segments/read.sql")
    return [SavedSegment(row["name"], _spec_from_json(row["spec"]), row["created_at"].to_pydatetime(),
                         row["updated_at"].to_pydatetime()) for _, row in frame.iterrows()]


def get(ws, name: str, missing_ok: bool = False) -> SavedSegment | None:
    """The saved segment of this name (case and spacing ignored); None or a SavedSegmentError when there is none."""
    wanted = _key(name) if isinstance(name, str) else ""
    for segment in saved(ws):
        if _key(segment.name) == wanted:
            return segment
    if missing_ok:
        return None
    known = ", ".join(s.name for s in saved(ws)) or "none yet"
    raise SavedSegmentError(f"No saved segment named {name!r}. Saved segments: {known}.")


def delete(ws, name: str) -> None:
    segment = get(ws, name)
    connection(ws).execute(sql_text("queries/customers/saved_segments/delete.sql"),
                           {"name_key": _key(segment.name)})


def compare_saved(ws, names: list[str], labels: pd.DataFrame | None = None) -> pd.DataFrame:
    """Side-by-side figures of saved segments (index = figure, one column per segment): the builder's comparison
    figures (:func:`insights.customers.segment_builder.segment_figures`). A customer may be in several segments."""
    columns = {}
    for name in names:
        segment = get(ws, name)
        everyone = flag_customers(ws, segment.spec, labels)
        inside = everyone[everyone["in_segment"].astype(bool)]
        total_revenue = float(everyone["net_revenue"].fillna(0).sum())
        columns[segment.name] = segment_figures(inside, len(everyone), total_revenue)
    figures = list(next(iter(columns.values()))) if columns else []
    # built row by row as objects: counts stay whole numbers beside the shares
    return pd.DataFrame([[columns[name][f] for name in columns] for f in figures], index=figures,
                        columns=list(columns), dtype=object)


# the builder's widgets (app_pages/segments.py) and the filters each sets: a saved spec is reopened by
# putting its values back into these widgets
BUILDER_WIDGETS = {
    ("country", "in"): "seg_b_country", ("channel", "in"): "seg_b_channel", ("category", "in"): "seg_b_category",
    ("rfm_segment", "in"): "seg_b_rfm", ("lifecycle_stage", "in"): "seg_b_stage", ("tag", "in"): "seg_b_tag",
    ("orders", "ge"): "seg_b_orders", ("net_revenue", "ge"): "seg_b_spend", ("last_order_date", "ge"): "seg_b_since",
    ("consent_email", "is"): "seg_b_consent", ("last_order_late", "is"): "seg_b_late",
}


def builder_state(spec) -> tuple[dict, list[str]]:
    """(widget key → value, descriptions of filters the builder's widgets cannot show) for reopening a saved
    spec in the builder. Every builder widget is reset first, so filters of the segment open before do not stay."""
    state = {"seg_b_country": [], "seg_b_channel": [], "seg_b_category": [], "seg_b_rfm": [], "seg_b_stage": [],
             "seg_b_tag": [], "seg_b_orders": 0, "seg_b_spend": 0.0, "seg_b_since": None,
             "seg_b_consent": False, "seg_b_late": False}
    not_shown = []
    for f in validate_spec(spec):
        widget = BUILDER_WIDGETS.get((f.field, f.op))
        if widget is None or (f.op == "is" and f.value is not True):
            not_shown.append(describe_spec([(f.field, f.op, f.value)]))
        elif f.op == "in":
            state[widget] = list(f.value)
        elif f.field == "orders":
            state[widget] = int(f.value)
        elif f.field == "net_revenue":
            state[widget] = float(f.value)
        else:
            state[widget] = f.value
    return state, not_shown
