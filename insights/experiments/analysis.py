"""The whole analysis of a result file: every metric for every variant against the control, Holm's adjustment
across them all, the sample-ratio check, optionally always-valid (sequential) intervals, and the verdict in words.

    data = read_result_file("results.csv", control="A")
    result = analyse(data, split="50/50")
    result.verdict          # "B raised purchases from 4.3% to 6.4% (+2.1 points, +1.4 to +2.8) — ship B."
    result.to_dict()        # the JSON of ``python -m insights experiment --json``
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from insights.core.intervals import holm
from insights.experiments.comparisons import Comparison, compare_means, compare_rates, winsorise
from insights.experiments.result_file import ExperimentData, ExperimentError
from insights.experiments.sequential import always_valid_half_width, always_valid_p, mixture_tau2
from insights.experiments.srm import LIKELY_CAUSES, SampleRatio, parse_split, sample_ratio
from insights.experiments.verdict import verdict_lines

ALPHA = 0.05


@dataclass
class ExperimentResult:
    data: ExperimentData
    srm: SampleRatio
    comparisons: list[Comparison]
    p_adjusted: list[float]
    sequential: bool
    caps: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    verdict: str = ""
    details: list[str] = field(default_factory=list)

    def significant(self, i: int) -> bool:
        return self.p_adjusted[i] < ALPHA

    def to_dict(self) -> dict:
        units = self.srm.units
        excluded = self.data.excluded_by_label()
        return {
            "control": self.data.control,
            "variants": [{"label": lab, "units": units[i], "excluded": excluded.get(lab, 0)}
                         for i, lab in enumerate(self.data.labels)],
            "srm": {"p_value": self.srm.p_value, "flagged": self.srm.flagged,
                    "expected_split": self.srm.expected_split},
            "metrics": [{"metric": c.metric, "variant": c.variant, "control_value": c.control_value,
                         "variant_value": c.variant_value, "diff": c.diff, "diff_low": c.diff_low,
                         "diff_high": c.diff_high, "rel_diff": c.rel_diff, "p_value": c.p_value,
                         "p_adjusted": self.p_adjusted[i], "significant": self.significant(i), "method": c.method}
                        for i, c in enumerate(self.comparisons)],
            "verdict": self.verdict,
            "exclusions": [{"reason": e["reason"], "rows": e["rows"]} for e in self.data.exclusions],
        }


def _sequential(c: Comparison, per_unit_variance: float) -> Comparison:
    tau2 = mixture_tau2(c.control_value, per_unit_variance)
    half = float(always_valid_half_width(c.variance, tau2, ALPHA)) if c.variance > 0 else 0.0
    c.p_value = float(always_valid_p(c.diff, c.variance, tau2))
    c.diff_low, c.diff_high = c.diff - half, c.diff + half
    c.method += "; always-valid interval and p-value (mixture SPRT, τ = 10% of the control)"
    return c


def analyse(data: ExperimentData, *, split: str | None = None, sequential: bool = False, robust: bool = False,
            percentile: float = 99.0) -> ExperimentResult:
    """Compare every variant with the control on every metric. ``robust`` winsorises money metrics at
    ``percentile`` of the buyers' values (refunds capped below the same way). Raises ExperimentError when the
    control is not known (ask the owner) or a variant has no units."""
    if data.control is None:
        raise ExperimentError(f"{data.file}: which label is the control? The labels are "
                              f"{', '.join(data.labels)}; name it with --control")
    frame = data.units
    groups = {lab: np.flatnonzero((frame["variant"] == lab).to_numpy()) for lab in data.labels}
    empty = [lab for lab, idx in groups.items() if len(idx) == 0]
    if empty:
        raise ExperimentError(f"{data.file}: no units left in variant {empty[0]!r} after the exclusions")
    try:
        planned = parse_split(split, len(data.labels))
    except ValueError as exc:
        raise ExperimentError(str(exc)) from None
    srm = sample_ratio([len(groups[lab]) for lab in data.labels], planned)
    comparisons, caps = [], {}
    for metric in data.metrics:
        values = frame[metric.name].to_numpy(dtype=float)
        method = "Welch t-test, delta-method relative lift"
        if robust and metric.kind == "mean" and metric.money:
            values, upper, lower = winsorise(values, percentile)
            caps[metric.name] = (upper, lower)
            method += (f", amounts winsorised at the {percentile:g}th percentile of buyers' values"
                       f" (cap {upper:,.2f})" if upper is not None else "")
        control = values[groups[data.control]]
        for lab in data.labels[1:]:
            treated = values[groups[lab]]
            if metric.kind == "rate":
                c = compare_rates(metric.name, lab, control, treated)
            else:
                c = compare_means(metric.name, lab, control, treated, method)
            if sequential:
                c = _sequential(c, float(control.var()) if len(control) else 0.0)
            comparisons.append(c)
    adjusted = holm([c.p_value for c in comparisons])
    result = ExperimentResult(data, srm, comparisons, adjusted, sequential, caps)
    result.verdict, *result.details = verdict_lines(result, ALPHA, LIKELY_CAUSES)
    return result
