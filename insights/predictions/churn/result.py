"""What a churn fit returns: the definition, quality against baselines, the watchlist and the drivers."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from insights.models.churn_model import ChurnModel
from insights.predictions.churn.definition import ChurnDefinition


@dataclass
class ChurnResult:
    definition: ChurnDefinition
    metrics: dict                  # {"model": {...}, "recency": {...}, "p_alive": {...}}
    calibration: pd.DataFrame      # model, bin, predicted, observed, customers
    scores: pd.DataFrame           # the watchlist, one row per scored customer, by value at risk
    importance: dict               # reason label -> mean positive contribution (log-odds)
    value_basis: str
    notes: list = field(default_factory=list)
    model: ChurnModel | None = None
    applies: bool = True           # does churn prediction apply to this shop (see .verdict)
    reason: str = ""               # the verdict in words
    detail: str = ""               # the numbers behind it, for analysts (ROC AUC intervals)
    ranked_by: str | None = "model"    # what ranks the watchlist: "model", "recency", "p_alive" or None (no list)
    drivers: list = field(default_factory=list)   # relative risks per flag (see .drivers)

    def report(self) -> dict:
        """JSON-able summary (without the per-customer table)."""
        d = self.definition
        return {
            "definition": {"kind": d.kind, "as_of": _iso(d.as_of), "window_days": d.window_days,
                           "percentile": d.percentile, "cutoff": _iso(d.cutoff),
                           "gap_percentiles": d.gap_percentiles, "label_source": d.label_source,
                           "text": d.describe()},
            "metrics": self.metrics,
            "calibration": self.calibration.to_dict(orient="records"),
            "importance": self.importance,
            "value_basis": self.value_basis,
            "notes": self.notes,
            "applies": self.applies,
            "reason": self.reason,
            "detail": self.detail,
            "ranked_by": self.ranked_by,
            "drivers": self.drivers,
        }


def _iso(ts) -> str | None:
    return None if ts is None or pd.isna(ts) else pd.Timestamp(ts).isoformat()
