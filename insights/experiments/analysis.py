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
import pandas as pd

from insights.core.intervals import holm
from insights.experiments.bayes import BayesView, bayes_view
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
    planned_units: int | None = None      # the test's planned size, all variants together (None: not given)

    def bayesian(self) -> list[BayesView]:
        """The chance each variant beats the control and the expected loss of each choice, per comparison."""
        return [bayes_view(c) for c in self.comparisons]

    @property
    def units(self) -> int:
        return int(sum(self.srm.units))

    @property
    def final(self) -> bool | None:
        """True once the planned size is reached, False before it (an early look: provisional), None when no
        size was planned."""
        return None if self.planned_units is None else self.units >= self.planned_units

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
            "planned_units": self.planned_units, "final": self.final,
            "bayesian": [b.to_dict() for b in self.bayesian()],
            "exclusions": [{"reason": e["reason"], "rows": e["rows"]} for e in self.data.exclusions],
        }


def _sequential(c: Comparison, per_unit_variance: float) -> Comparison:
    tau2 = mixture_tau2(c.control_value, per_unit_variance)
    half = float(always_valid_half_width(c.variance, tau2, ALPHA)) if c.variance > 0 else 0.0
    c.p_value = float(always_valid_p(c.diff, c.variance, tau2))
    c.diff_low, c.diff_high = c.diff - half, c.diff + half
    c.method += "; always-valid interval and p-value (mixture SPRT, τ = 10% of the control)"
    return c


def provisional_lines(lines: list[str], units: int, planned: int, sequential: bool) -> list[str]:
    """The verdict and detail lines of an early look, labelled provisional (the verdict says how far the test is
    and whether its ranges were widened for looking early)."""
    widened = ("; its ranges are widened so that looking early and often does not fool you" if sequential else "")
    head = (f"Provisional — {units:,} of the {planned:,} planned customers so far, so this can still change"
            f"{widened}: {lines[0]}")
    return [head] + [f"{line} (provisional)" for line in lines[1:]]


def analyse(data: ExperimentData, *, split: str | None = None, sequential: bool = False, robust: bool = False,
            percentile: float = 99.0, planned_units: int | None = None) -> ExperimentResult:
    """Compare every variant with the control on every metric. ``robust`` winsorises money metrics at
    ``percentile`` of the buyers' values (refunds capped below the same way). ``planned_units``: the test's
    planned size (all variants together); read before it is reached, the result is an early look — always-valid
    (sequential) intervals and p-values, verdict and lines labelled provisional — and the fixed-horizon result is
    shown as final only once it is. Raises ExperimentError when the control is not known (ask the owner) or a
    variant has no units."""
    if planned_units is not None and planned_units < 2:
        raise ExperimentError(f"planned size {planned_units}: expected the number of customers the test was "
                              "planned for, all versions together")
    if data.control is None:
        raise ExperimentError(f"{data.file}: which label is the control? The labels are "
                              f"{', '.join(data.labels)}; name it with --control")
    frame = data.units
    codes = pd.Categorical(frame["variant"], categories=data.labels).codes
    groups = {lab: np.flatnonzero(codes == i) for i, lab in enumerate(data.labels)}
    empty = [lab for lab, idx in groups.items() if len(idx) == 0]
    if empty:
        raise ExperimentError(f"{data.file}: no units left in variant {empty[0]!r} after the exclusions")
    try:
        planned = parse_split(split, len(data.labels))
    except ValueError as exc:
        raise ExperimentError(str(exc)) from None
    srm = sample_ratio([len(groups[lab]) for lab in data.labels], planned)
    early = planned_units is not None and sum(srm.units) < planned_units
    sequential = sequential or early
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
    result = ExperimentResult(data, srm, comparisons, adjusted, sequential, caps, planned_units=planned_units)
    lines = verdict_lines(result, ALPHA, LIKELY_CAUSES)
    if early:
        lines = provisional_lines(lines, result.units, planned_units, sequential)
    elif planned_units is not None:
        lines[0] = f"Final — the planned {planned_units:,} customers are in: {lines[0]}"
    result.verdict, *result.details = lines
    return result
