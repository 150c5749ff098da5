"""Complaint topics and order tags as churn features: what customers wrote about, beyond lateness, and how their
orders were tagged.

* ``complaint_<topic>`` — answers before the cutoff that mention the topic: the complaint words of
  :data:`insights.core.lexicon.NEGATIVE_WORDS` (the list the voice room grows its themes from) grouped into
  :data:`COMPLAINT_TOPICS`. Lateness is left out here: the late-delivery features say it from the dates, flags and
  tags, and the negative-feedback count keeps every complaint.
* ``tag_<tag>`` — orders before the cutoff carrying the tag (``order_attributes`` with name ``tag``), and
  ``last_order_tag_<tag>`` — 1 when the last order before the cutoff carries it, for the :data:`MAX_TAGS` tags on
  most customers' orders, each on at least :data:`MIN_TAG_CUSTOMERS` customers; tags naming lateness are left out
  (the late-delivery features cover them).

All are 0 for a customer without any, and exist only for what the files hold: a shop without feedback text or
tags gets no such column. The churn drivers (:mod:`.drivers`) test a complaint topic as a flag (count > 0) and a
tag by the last order (as "last order late": a tag that raises the dropout acts after the order it marks).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from insights.core.db import query_df
from insights.core.lexicon import NEGATIVE_PATTERN

# topic -> (how the complaint is described, the complaint words of core.lexicon it gathers)
COMPLAINT_TOPICS = {
    "damaged": ("damaged or broken goods", ("damaged", "broken")),
    "not_arrived": ("a parcel that never arrived", ("never arrived", "never came", "lost")),
    "wrong_item": ("wrong or missing items", ("wrong", "missing")),
    "refund": ("a refund", ("refund",)),
    "service": ("rude service", ("rude",)),
    "quality": ("disappointing products", ("disappointed", "disappointing", "poor", "terrible", "awful", "worst")),
}
COMPLAINT_PREFIX, TAG_PREFIX, LAST_TAG_PREFIX = "complaint_", "tag_", "last_order_tag_"
MAX_TAGS = 8
MIN_TAG_CUSTOMERS = 20

_TOPIC_OF_WORD = {w: topic for topic, (_, words) in COMPLAINT_TOPICS.items() for w in words}


def topic_features(con, cutoff) -> pd.DataFrame:
    """customer_id plus ``complaint_<topic>`` and ``tag_<tag>`` counts (see the module docstring), one row per
    customer with a complaint word or a tag before ``cutoff``; no other column when the files hold neither."""
    cutoff = pd.Timestamp(cutoff).to_pydatetime()
    words = query_df(con, "queries/predictions/churn/complaint_words.sql",
                     {"cutoff": cutoff, "negative_pattern": NEGATIVE_PATTERN})
    words["topic"] = words["word"].map(_TOPIC_OF_WORD)
    words = words.dropna(subset=["topic"]).drop_duplicates(["answer", "topic"]).assign(answers=1)
    complaints = words.pivot_table(index="customer_id", columns="topic", values="answers", aggfunc="sum",
                                   fill_value=0).add_prefix(COMPLAINT_PREFIX)
    tags = query_df(con, "queries/predictions/churn/order_tags.sql", {"cutoff": cutoff})
    reach = tags.groupby("tag")["customer_id"].nunique()
    kept = reach[reach >= MIN_TAG_CUSTOMERS].sort_values(ascending=False, kind="stable").head(MAX_TAGS).index
    tags = tags[tags["tag"].isin(kept)].assign(column=lambda t: t["tag"].map(tag_column),
                                               on_last=lambda t: t["on_last_order"].astype(float))
    tagged = tags.pivot_table(index="customer_id", columns="column", values="orders", aggfunc="sum", fill_value=0)
    last = tags.pivot_table(index="customer_id", columns="column", values="on_last", aggfunc="max", fill_value=0)
    last.columns = [LAST_TAG_PREFIX + c[len(TAG_PREFIX):] for c in last.columns]
    out = complaints.join(tagged, how="outer").join(last, how="outer").fillna(0).astype(float)
    out.columns.name = None
    return out.rename_axis("customer_id").reset_index()


def add_topic_features(features: pd.DataFrame, topics: pd.DataFrame) -> pd.DataFrame:
    """``features`` (one row per customer) with ``topics``' columns alongside, 0 for customers without any."""
    if topics.shape[1] <= 1 or features.empty:
        return features
    values = topics.set_index("customer_id").reindex(features["customer_id"].to_numpy()).fillna(0.0)
    out = features.copy(deep=False)
    for col in values.columns:
        out[col] = values[col].to_numpy()
    return out


def tag_column(tag: str) -> str:
    """The feature name of a tag: ``tag_`` and the tag in lower case with every other character as ``_``."""
    return TAG_PREFIX + (re.sub(r"[^a-z0-9]+", "_", str(tag).lower()).strip("_") or "blank")


def is_topic_column(name: str) -> bool:
    return str(name).startswith((COMPLAINT_PREFIX, TAG_PREFIX, LAST_TAG_PREFIX))


def topic_columns(columns) -> list[str]:
    """The complaint-topic and tag columns among ``columns``, in their order."""
    return [c for c in columns if is_topic_column(c)]


def describe(feature: str) -> tuple[str, str, str]:
    """(label, who — the customers with it —, what each customer did) for a topic or tag feature."""
    if feature.startswith(COMPLAINT_PREFIX):
        topic = feature[len(COMPLAINT_PREFIX):]
        about = COMPLAINT_TOPICS.get(topic, (topic.replace("_", " "), ()))[0]
        return (f"Complained about {about}", f"customers who complained about {about}",
                f"complained about {about} in feedback")
    if feature.startswith(LAST_TAG_PREFIX):
        tag = feature[len(LAST_TAG_PREFIX):].replace("_", " ")
        return (f"Last order tagged “{tag}”", f"customers whose last order was tagged “{tag}”",
                f"last order tagged “{tag}”")
    tag = feature[len(TAG_PREFIX):].replace("_", " ")
    return (f"Orders tagged “{tag}”", f"customers with an order tagged “{tag}”", f"tagged “{tag}”")


def flag_values(features: pd.DataFrame) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Per complaint topic and per tag on the last order: (flag on, known) — known for every customer (a count
    of 0 is a fact)."""
    return {c: (features[c].to_numpy(dtype=float, na_value=0.0) > 0, np.ones(len(features), dtype=bool))
            for c in topic_columns(features.columns) if c.startswith((COMPLAINT_PREFIX, LAST_TAG_PREFIX))}
