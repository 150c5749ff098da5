"""The insight record: what happened, why, what to do, who does it, what it is worth and how sure we are.

An :class:`Insight` holds exactly the fields of the feed's command-line contract (``python -m insights feed
--json``). Its id is stable: a hash of its kind, metric, subject and period, so an insight found again after
the next upload is the same insight (and keeps the status the owner gave it). A standing story (overdue customers,
a churn driver, a funnel leak …: :data:`STANDING_KINDS`) is found again every week with a newer period; its id is
its story's — kind, metric, subject and episode — so it keeps its id (its status, its exported list and measured
outcome) while it goes on; once the owner closes or dismisses it, the next upload that still finds it starts
episode 1, a new insight.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from typing import Any

KINDS = ("anomaly", "value_source", "churn_driver", "feedback", "funnel", "cohort", "overdue", "second_purchase",
         "cross_sell")
OWNERS = ("owner", "marketer", "manager", "operations")
CONFIDENCE_LEVELS = ("high", "medium", "low")
# how much a confidence level weighs in the ranking (impact × weight)
CONFIDENCE_WEIGHT = {"high": 1.0, "medium": 0.6, "low": 0.3}
CONFIDENCE_WORDS = {
    "high": "Very likely real: chance alone would almost never produce this.",
    "medium": "Probably real: chance alone would rarely produce this.",
    "low": "Possibly real: worth a look, but it could still be chance.",
}
STATUSES = ("new", "seen", "acted", "closed", "dismissed")


# kinds about a standing state of the shop (not about one period): their id does not carry the period they were
# found in, so the story keeps its id from week to week while it goes on (see Insight.episode)
STANDING_KINDS = ("value_source", "churn_driver", "feedback", "funnel", "cohort", "overdue", "second_purchase")


def stable_id(kind: str, metric: str, subject: dict, period: str) -> str:
    """12 hex digits naming an insight by what it is about (not by its numbers, which change with new data)."""
    key = "\x1f".join([kind, metric, str(subject.get("dimension", "")), str(subject.get("value", "")), period])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def story_id(kind: str, metric: str, subject: dict, episode: int) -> str:
    """The id of a standing story's ``episode`` (0, then 1 after the owner closed or dismissed the first …)."""
    return stable_id(kind, metric, subject, f"episode {episode}")


@dataclass(frozen=True)
class Insight:
    """One finding of the feed.

    ``action`` is a dict: ``text`` (what to do), for anomalies ``cause`` (``supply`` or ``demand``), and
    ``export`` (the name of the list to download) where the action is a campaign. ``subject`` is
    ``{"dimension", "value"}`` (``shop``/``all`` when the finding concerns the whole shop). ``impact`` and its
    range are amounts of money in the shop's currency (positive: what is at stake). ``details`` holds the
    evidence figures for the "For analysts" view; it is not part of the contract.
    """
    kind: str
    title: str
    why: str
    action: dict
    owner: str
    period: str
    metric: str
    subject: dict
    impact: float
    impact_low: float
    impact_high: float
    confidence: str
    evidence_url: str
    status: str = "new"
    details: dict = field(default_factory=dict, compare=False)
    # a standing story's episode (:data:`STANDING_KINDS`; the feed sets it): its id is the story's, not the
    # period's. None: the id carries the period (anomalies, and insights stored before episodes existed).
    episode: int | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown insight kind {self.kind!r}; expected one of {', '.join(KINDS)}")
        if self.owner not in OWNERS:
            raise ValueError(f"unknown owner {self.owner!r}; expected one of {', '.join(OWNERS)}")
        if self.confidence not in CONFIDENCE_LEVELS:
            raise ValueError(f"unknown confidence {self.confidence!r}")
        if self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}")

    @property
    def id(self) -> str:
        if self.episode is not None:
            return story_id(self.kind, self.metric, self.subject, self.episode)
        return stable_id(self.kind, self.metric, self.subject, self.period)

    @property
    def score(self) -> float:
        """The ranking key: money at stake × the weight of the confidence."""
        return abs(self.impact) * CONFIDENCE_WEIGHT[self.confidence]

    def with_status(self, status: str) -> "Insight":
        return replace(self, status=status)

    def to_dict(self) -> dict[str, Any]:
        """The contract's fields, in its order (no ``details``)."""
        data = asdict(self)
        out = {"id": self.id}
        for name in ("kind", "title", "why", "action", "owner", "period", "metric", "subject", "impact",
                     "impact_low", "impact_high", "confidence", "status", "evidence_url"):
            out[name] = data[name]
        return out
