"""Simulated result files for tests and the benchmark, in the layouts shops' tools write: column names, variant
labels, yes/no spellings (yes/no, TRUE/FALSE, 0/1, x/blank) and money as text (€12,50 with a decimal comma,
$12.50, 12.50 GBP).

    text = result_file_text(n=2000, lift=0.0, layout="mailchimp", random_state=1)   # CSV text
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Layout:
    id_column: str
    variant_column: str
    labels: tuple[str, str]
    converted_column: str
    yes: str
    no: str
    revenue_column: str
    money: str          # a format with {amount}, e.g. "€{amount}" (decimal comma when ``comma``)
    comma: bool = False
    delimiter: str = ","


LAYOUTS = {
    "mailchimp": Layout("Email Address", "Variant", ("A", "B"), "Purchased", "yes", "no", "Revenue", "€{amount}",
                        comma=True, delimiter=";"),
    "shopify": Layout("customer_id", "group", ("control", "treatment"), "converted", "TRUE", "FALSE",
                      "order_value", "${amount}"),
    "sheet": Layout("Customer", "Test cell", ("Holdout", "Win-back"), "Bought", "x", "", "Spent", "{amount} GBP"),
    "numeric": Layout("user_id", "arm", ("baseline", "new"), "conversion", "1", "0", "revenue", "{amount}"),
}


def result_frame(n: int, *, baseline: float = 0.05, lift: float = 0.0, split: float = 0.5, mean_order: float = 40.0,
                 layout: str = "numeric", random_state: int = 0) -> pd.DataFrame:
    """``n`` units; the control converts at ``baseline``, the variant at ``baseline · (1 + lift)``; buyers spend a
    lognormal amount around ``mean_order``. ``split`` is the control's share (assigned by chance)."""
    spec = LAYOUTS[layout]
    rng = np.random.default_rng(random_state)
    treated = rng.random(n) >= split
    rate = np.where(treated, baseline * (1 + lift), baseline)
    bought = rng.random(n) < rate
    amount = np.where(bought, np.round(rng.lognormal(np.log(mean_order) - 0.5, 1.0, n), 2), 0.0)
    ids = np.arange(1, n + 1)
    if spec.id_column.lower().startswith("email"):
        ids = np.char.add(np.char.add("c", ids.astype(str)), "@example.com")
    amounts = np.char.mod("%.2f", amount)
    if spec.comma:
        amounts = np.char.replace(amounts, ".", ",")
    prefix, suffix = spec.money.split("{amount}")
    money = np.char.add(np.char.add(prefix, amounts), suffix)
    return pd.DataFrame({spec.id_column: ids,
                         spec.variant_column: np.where(treated, spec.labels[1], spec.labels[0]),
                         spec.converted_column: np.where(bought, spec.yes, spec.no),
                         spec.revenue_column: money})


def result_file_text(n: int, **kwargs) -> str:
    """The CSV text of :func:`result_frame` (the layout's delimiter), written plainly: a test file, never a download."""
    sep = LAYOUTS[kwargs.get("layout", "numeric")].delimiter
    frame = result_frame(n, **kwargs)
    # the cells are ids, labels, yes/no words and amounts: none holds the delimiter, a quote or a line break
    lines = frame[frame.columns[0]].astype(str).to_numpy().astype(str)
    for column in frame.columns[1:]:
        lines = np.char.add(np.char.add(lines, sep), frame[column].astype(str).to_numpy().astype(str))
    return sep.join(frame.columns) + "\n" + "\n".join(lines.tolist()) + "\n"
