"""Plain JSON values from what the analytics return: the command line's ``--json`` contract and the reports
stored with model scores use this one converter."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import numpy as np
import pandas as pd


def to_jsonable(obj):
    """Turn pandas/numpy/decimal/date values into plain JSON values (NaN → null)."""
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.to_dict(orient="records")]
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating, float)):
        return None if math.isnan(obj) or math.isinf(obj) else float(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, (pd.Timestamp, dt.datetime, dt.date)):
        return None if pd.isna(obj) else obj.isoformat()
    if obj is pd.NaT or (obj is not None and not isinstance(obj, (str, bool, int)) and pd.api.types.is_scalar(obj) and pd.isna(obj)):
        return None
    return obj
