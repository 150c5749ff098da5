"""The one frame validator says which column is wrong and how."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from insights.core.validation import FrameError, validate_frame


class MyError(ValueError):
    pass


@pytest.mark.parametrize("frame,kwargs,message", [
    ([1, 2], {}, "must be a pandas DataFrame"),
    (pd.DataFrame({"a": [1]}), {"required": ["a", "b"]}, "lacks column(s) b"),
    (pd.DataFrame({"customer_id": ["x", None, None]}), {"non_null": ["customer_id"]},
     "column customer_id of the table has 2 empty values"),
    (pd.DataFrame({"orders": ["1", "two", None]}), {"numeric": ["orders"]}, "column orders of the table has 2 empty or non-numeric"),
    (pd.DataFrame({"spend": [1.0, np.inf]}), {"finite": ["spend"]}, "1 infinite values"),
    (pd.DataFrame({"spend": [1.0, -2.0, -3.0]}), {"non_negative": ["spend"]}, "2 negative values"),
    (pd.DataFrame({"a": []}), {"min_rows": 1}, "has 0 rows; at least 1"),
])
def test_specific_messages(frame, kwargs, message):
    with pytest.raises(FrameError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_frame(frame, **kwargs)


def test_own_error_type_and_name():
    with pytest.raises(MyError, match="column x of the summary has 1 empty values"):
        validate_frame(pd.DataFrame({"x": [None]}), non_null=["x"], name="the summary", error=MyError)


def test_a_good_frame_passes():
    validate_frame(pd.DataFrame({"customer_id": ["a"], "orders": [2]}), required=["customer_id"],
                   numeric=["orders"], non_null=["customer_id"], non_negative=["orders"], min_rows=1)
