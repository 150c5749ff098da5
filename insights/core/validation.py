"""One validator for input frames, with messages that say which column and how many values are wrong.

Model objects and analytics call :func:`validate_frame` (raising their own error type) instead of writing a
scatter of ad-hoc checks; the wording is the same everywhere: "column customer_id has 12 empty values".
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd


class FrameError(ValueError):
    """An input frame does not have the shape a function needs; the message says what is wrong."""


def validate_frame(frame, *, required: Iterable[str] = (), numeric: Iterable[str] = (),
                   non_null: Iterable[str] = (), non_negative: Iterable[str] = (), finite: Iterable[str] = (),
                   name: str = "the table", min_rows: int = 0, error: type[Exception] = FrameError) -> None:
    """Check ``frame`` and raise ``error`` with a specific message at the first problem.

    ``required`` columns must exist (as must every column named in the other checks); ``numeric`` columns must
    hold numbers in every row (empty counts as not numeric); ``non_null`` columns must have no empty values;
    ``non_negative`` no values below zero; ``finite`` no infinite values; and the frame needs ``min_rows`` rows.
    """
    if not isinstance(frame, pd.DataFrame):
        raise error(f"{name} must be a pandas DataFrame with one row per customer, got {type(frame).__name__}")
    numeric, non_null, non_negative, finite = (list(c) for c in (numeric, non_null, non_negative, finite))
    wanted = list(dict.fromkeys([*required, *non_null, *numeric, *non_negative, *finite]))
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        raise error(f"{name} lacks column(s) {', '.join(missing)}; expected {', '.join(wanted)}")
    if len(frame) < min_rows:
        raise error(f"{name} has {len(frame)} rows; at least {min_rows} are needed")
    for col in non_null:
        empty = int(frame[col].isna().sum())
        if empty:
            raise error(f"column {col} of {name} has {empty} empty values")
    for col in numeric:
        bad = int(pd.to_numeric(frame[col], errors="coerce").isna().sum())
        if bad:
            raise error(f"column {col} of {name} has {bad} empty or non-numeric values")
    for col in finite:
        values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = int(np.isinf(values).sum())
        if bad:
            raise error(f"column {col} of {name} has {bad} infinite values; expected finite numbers")
    for col in non_negative:
        below = int((pd.to_numeric(frame[col], errors="coerce") < 0).sum())
        if below:
            raise error(f"column {col} of {name} has {below} negative values")
