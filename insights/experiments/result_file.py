"""A result file read and checked: one row per user or recipient, a variant column, outcome columns.

:func:`read_result_file` reads with the ingest's readers (encodings, delimiters, XLSX) and returns an
:class:`ExperimentData`: one row per kept unit with its variant and each metric as a float (yes/no → 0/1, money
as written with a currency symbol or a decimal comma → its amount), plus every exclusion with its count and
reason. Nothing is dropped without a count: rows with no variant, exact repeated rows (counted once), rows whose
assignment contradicts another assignment column (a ``group`` that disagrees with its ``landing_page``), units
seen in two variants, and repeated rows of one unit (first kept).
"""

from __future__ import annotations

import concurrent.futures
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.readers import read_table
from insights.ingest.values import detect_number_format, parse_booleans, parse_numbers
from insights.ingest.values.column import spread_sample

VARIANT_NAMES = ("variant", "group", "version", "arm", "bucket", "treatment", "test_group", "ab_group", "cell",
                 "variation", "branch", "experiment", "test", "split", "abtest", "ab_test")
CONTROL_LABELS = ("control", "holdout", "hold-out", "hold out", "original", "baseline", "old", "a", "ctrl",
                  "control group", "default")
ID_NAMES = ("id", "user", "userid", "user_id", "customer", "customer_id", "email", "e-mail", "recipient",
            "visitor", "visitor_id", "member", "contact", "subscriber", "account")
MAX_LABELS = 10
SAMPLE_ROWS = 10_000       # the first rows, to rule a column in or out before reading all of it


class ExperimentError(ValueError):
    """A result file that cannot be analysed as it is: the message says which file, column and what was expected."""


@dataclass
class Metric:
    name: str                 # as the file spells it
    kind: str                 # "rate" (yes/no) or "mean" (counts, amounts)
    money: bool = False       # amounts written with a currency
    currency: str | None = None


@dataclass
class ExperimentData:
    """``units``: one row per kept unit, column ``variant`` and one float column per metric (named as in the file)."""
    file: str
    variant_column: str
    unit_column: str | None
    labels: list[str]
    control: str | None
    metrics: list[Metric]
    units: pd.DataFrame
    assignment_columns: list[str] = field(default_factory=list)
    rows_read: int = 0
    exclusions: list[dict] = field(default_factory=list)     # {"reason", "rows", "by_label": {label: rows}}

    def with_control(self, label: str) -> "ExperimentData":
        """The same data with ``label`` as the control (first among the labels); the owner's answer when asked."""
        self.control = pick_control(self.labels, label, self.file)
        self.labels = [label] + [lab for lab in self.labels if lab != label]
        return self

    def excluded_by_label(self) -> dict[str, int]:
        out = {label: 0 for label in self.labels}
        for e in self.exclusions:
            for label, n in e["by_label"].items():
                if label in out:
                    out[label] += n
        return out


def _norm(header: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header).strip().lower()).strip("_")


def _codes(arr: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Each cell's code (-1 for empty) and the distinct values, in order of first appearance."""
    encoded = pc.dictionary_encode(arr)
    labels = encoded.dictionary.to_pylist()
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    if "" in labels:
        codes[codes == labels.index("")] = -1
    return codes, labels


def _distinct(arr: pa.Array, limit: int) -> list[str] | None:
    """The distinct non-empty values (trimmed) when there are at most ``limit``, else None."""
    head = pc.utf8_trim_whitespace(arr.slice(0, SAMPLE_ROWS))
    if pc.count_distinct(head).as_py() > limit + 1:
        return None
    counts = pc.value_counts(arr.drop_null())
    values = list(dict.fromkeys(v.strip() for v in counts.field("values").to_pylist() if v.strip()))
    return values if len(values) <= limit else None


_NOT_A_NUMBER = re.compile(r"\d\s*[-/:]\s*\d|[A-Za-z]{4,}|_|^[^\d]*$")


def _is_yes_no(arr: pa.Array) -> bool:
    parsed = parse_booleans(arr.slice(0, SAMPLE_ROWS))
    return parsed.error_count == 0 and not parsed.empty.all()


def pick_variant(raw, wanted: str | None) -> str:
    """The column that says who got what: ``wanted`` when given (it must exist), else the column named like a
    variant or holding a control label among 2 to :data:`MAX_LABELS` labels; an ExperimentError otherwise."""
    if wanted is not None:
        if wanted not in raw.columns:
            raise ExperimentError(f"{raw.name}: no column {wanted!r} for the variant (columns: "
                                  f"{', '.join(raw.columns)})")
        return wanted
    candidates = []
    for header in raw.columns:
        labels = _distinct(raw.column(header), MAX_LABELS)
        if labels is None or len(labels) < 2:
            continue
        named = _norm(header) in VARIANT_NAMES or any(w in _norm(header).split("_") for w in VARIANT_NAMES[:6])
        has_control = any(lab.strip().lower() in CONTROL_LABELS for lab in labels)
        yes_no = _is_yes_no(raw.column(header))
        if named or (has_control and not yes_no):
            candidates.append((not named, not has_control, len(labels), raw.columns.index(header), header))
    if not candidates:
        raise ExperimentError(f"{raw.name}: no column looks like the variant (expected a column such as 'variant' "
                              f"or 'group' with 2 to {MAX_LABELS} labels); name it with --variant")
    return min(candidates)[-1]


def pick_control(labels: list[str], wanted: str | None, file: str = "the file") -> str | None:
    """The control label: ``wanted`` when given (it must be a label), else the one label that reads as a control
    (control, holdout, original, baseline, old, A …); None when that is not clear (the caller asks)."""
    if wanted is not None:
        if wanted not in labels:
            raise ExperimentError(f"{file}: the variant column has no label {wanted!r} (labels: {', '.join(labels)})")
        return wanted
    found = [lab for lab in labels if lab.strip().lower() in CONTROL_LABELS
             or lab.strip().lower().startswith(("control", "holdout"))]
    return found[0] if len(found) == 1 else None


def pick_unit(raw, skip: set[str]) -> str | None:
    """The column naming each unit (an id or e-mail column whose values are mostly distinct), or None."""
    n = raw.num_rows
    for header in raw.columns:
        if header in skip:
            continue
        words = set(_norm(header).split("_"))
        if _norm(header) in ID_NAMES or words & {"id", "userid", "email", "customer", "user", "recipient"}:
            head = raw.column(header).slice(0, SAMPLE_ROWS)
            if n and pc.count_distinct(head).as_py() >= 0.5 * min(n, SAMPLE_ROWS):
                return header
    return None


def _metric_values(header: str, arr: pa.Array) -> tuple[Metric, np.ndarray] | None:
    booleans = parse_booleans(arr) if parse_booleans(arr.slice(0, SAMPLE_ROWS)).error_count == 0 else None
    if booleans is not None and booleans.error_count == 0 and not booleans.empty.all():
        values = pc.fill_null(booleans.values, False).to_numpy(zero_copy_only=False).astype(np.float64)
        return Metric(header, "rate"), values        # x/blank: a blank is a no
    if any(v.strip() and _NOT_A_NUMBER.search(v.strip()) for v in spread_sample(arr, 500) if v):
        return None                                   # dates, times and words are not outcomes
    fmt = detect_number_format(arr)
    numbers = parse_numbers(arr, fmt)
    if numbers.error_count or numbers.empty.all():
        return None
    values = pc.cast(numbers.values, pa.float64()).to_numpy(zero_copy_only=False)
    values = np.nan_to_num(values, nan=0.0)          # an empty amount is nothing bought
    codes = fmt.currency_codes if hasattr(fmt, "currency_codes") else []
    return Metric(header, "mean", money=bool(codes), currency=codes[0] if codes else None), values


def _assignment_partners(variant: np.ndarray, other: np.ndarray, n_labels: int, n_other: int) -> np.ndarray | None:
    """When the other column restates the assignment (each label has its own dominant partner value, together
    ≥ 90% of the rows), each label's partner code; else None. Both inputs are codes of kept rows (-1 = empty)."""
    ok = (variant >= 0) & (other >= 0)
    table = np.bincount(variant[ok] * n_other + other[ok], minlength=n_labels * n_other).reshape(n_labels, n_other)
    partners = table.argmax(axis=1)
    if n_other < 2 or len(set(partners.tolist())) != n_labels:
        return None
    agreeing = table[np.arange(n_labels), partners].sum()
    return partners if agreeing >= 0.9 * table.sum() else None


class _Rows:
    """The rows still kept (a mask) and the exclusions made so far, counted by variant label."""

    def __init__(self, variant: np.ndarray, labels: list[str]):
        self.variant, self.labels = variant, labels
        self.keep = variant >= 0
        self.exclusions: list[dict] = []

    def exclude(self, mask: np.ndarray, reason: str) -> None:
        mask = mask & self.keep
        if mask.any():
            counts = np.bincount(self.variant[mask], minlength=len(self.labels))
            self.exclusions.append({"reason": reason, "rows": int(mask.sum()),
                                    "by_label": {self.labels[i]: int(c) for i, c in enumerate(counts) if c}})
            self.keep &= ~mask


def _unit_duplicates(raw, unit_col: str | None, rows: _Rows) -> tuple[np.ndarray | None, bool]:
    """The unit id's codes (None without an id column) and whether any id repeats; excludes rows with no id, and
    exact repeated rows (looked for only among rows that share an id)."""
    if not unit_col:
        return None, False
    ids, _ = _codes(pc.utf8_trim_whitespace(raw.column(unit_col)))
    rows.exclude(ids < 0, f"no id in column {unit_col!r}")
    repeated = np.flatnonzero(rows.keep & (np.bincount(ids[ids >= 0], minlength=1)[np.maximum(ids, 0)] > 1))
    if len(repeated):
        subset = pd.DataFrame({h: raw.column(h).take(pa.array(repeated)).to_pandas() for h in raw.columns})
        dup = np.zeros(len(ids), dtype=bool)
        dup[repeated[subset.duplicated().to_numpy()]] = True
        rows.exclude(dup, "exact repeated row (counted once)")
    return ids, len(repeated) > 0


def read_result_file(source, *, name: str | None = None, variant: str | None = None, control: str | None = None,
                     metrics: list[str] | None = None, sheet: str | None = None) -> ExperimentData:
    """Read a result file (a path or the bytes of an upload) into one row per unit; see the module docstring.

    Exact repeated rows are looked for only among rows that share a unit id: without an id column two equal rows
    are two people who did the same thing."""
    raw = read_table(source, name=name, sheet=sheet)
    file = raw.name
    if raw.num_rows == 0:
        raise ExperimentError(f"{file}: no data rows")
    if len(set(raw.columns)) != len(raw.columns):
        raise ExperimentError(f"{file}: two columns share a header; give each column its own name")
    if metrics:
        missing = [m for m in metrics if m not in raw.columns]
        if missing:
            raise ExperimentError(f"{file}: no column {missing[0]!r} for a metric (columns: {', '.join(raw.columns)})")
    variant_col = pick_variant(raw, variant)
    unit_col = pick_unit(raw, {variant_col})
    codes, labels = _codes(pc.utf8_trim_whitespace(raw.column(variant_col)))
    if len(labels) > 50:
        raise ExperimentError(f"{file}: column {variant_col!r} has {len(labels):,} labels; expected a few variants")
    rows = _Rows(codes, labels)
    if (codes < 0).any():
        rows.exclusions.append({"reason": f"no label in column {variant_col!r}", "rows": int((codes < 0).sum()),
                                "by_label": {}})
    present = sorted({labels[c] for c in np.unique(codes[codes >= 0])}, key=str)
    chosen = pick_control(present, control, file)
    skip = {variant_col} | ({unit_col} if unit_col else set())
    candidates = [h for h in raw.columns if h not in skip and (not metrics or h in metrics)]
    with concurrent.futures.ThreadPoolExecutor(2) as pool:    # pyarrow's kernels release the GIL: both cores work
        parsing = {h: pool.submit(_metric_values, h, raw.column(h)) for h in candidates}
        ids, ids_repeat = _unit_duplicates(raw, unit_col, rows)
        parsed_columns = {h: f.result() for h, f in parsing.items()}
    found: list[Metric] = []
    values: dict[str, np.ndarray] = {}
    assignment: list[str] = []
    for header in candidates:
        parsed = parsed_columns[header]
        if parsed is not None:
            found.append(parsed[0])
            values[header] = parsed[1]
        elif not metrics and _distinct(raw.column(header), MAX_LABELS):
            other, other_labels = _codes(pc.utf8_trim_whitespace(raw.column(header)))
            keep = rows.keep
            partners = _assignment_partners(codes[keep], other[keep], len(labels), len(other_labels))
            if partners is not None:
                assignment.append(header)
                rows.exclude(other != partners[np.maximum(codes, 0)], f"assignment contradicts column {header!r}")
    if not found:
        raise ExperimentError(f"{file}: no outcome column (expected yes/no, 0/1, counts or amounts besides "
                              f"{', '.join(sorted(skip))})")
    if ids is not None and ids_repeat:
        kept = np.flatnonzero(rows.keep)
        per_unit = pd.DataFrame({"id": ids[kept], "v": codes[kept]}).groupby("id")["v"].agg(["min", "max"])
        mixed = per_unit.index[per_unit["min"] != per_unit["max"]].to_numpy()
        rows.exclude(np.isin(ids, mixed), "unit seen in two variants")
        kept = np.flatnonzero(rows.keep)
        again = np.zeros(len(codes), dtype=bool)
        again[kept[pd.Series(ids[kept]).duplicated().to_numpy()]] = True
        rows.exclude(again, f"repeated {unit_col!r} in one variant (first row kept)")
    kept = np.flatnonzero(rows.keep)
    units = pd.DataFrame({"variant": pd.Categorical.from_codes(codes[kept], categories=labels)})
    for header, vals in values.items():
        units[header] = vals[kept]
    ordered = [chosen] + [lab for lab in present if lab != chosen] if chosen else present
    return ExperimentData(file=file, variant_column=variant_col, unit_column=unit_col, labels=ordered,
                          control=chosen, metrics=found, units=units, assignment_columns=assignment,
                          rows_read=raw.num_rows, exclusions=rows.exclusions)
