"""Bought together and brings customers back, for one workspace: what the command line's ``baskets`` prints and
the Products page shows."""

from __future__ import annotations

from dataclasses import dataclass

from insights.products.baskets import Pairs, bought_together
from insights.products.first_value import FirstValue, first_year_value, purchase_days
from insights.products.gateways import Gateways, gateways
from insights.products.lines import history_end, kept_lines
from insights.products.triples import Triples, bought_together_three

PAIR_FIELDS = ["a", "a_name", "b", "b_name", "baskets", "support", "confidence_ab", "confidence_ba", "lift",
               "p_value", "q_value"]
TRIPLE_FIELDS = ["a", "a_name", "b", "b_name", "c", "c_name", "baskets", "support", "lift", "uplift", "p_value",
                 "q_value"]
VALUE_FIELDS = ["product", "name", "customers", "value", "ci_low", "ci_high", "vs_average", "extra_value", "small"]
GATEWAY_FIELDS = ["product", "name", "customers", "repeat_customers", "repeat_rate", "ci_low", "ci_high",
                  "vs_average", "extra_repeat", "small"]


@dataclass(frozen=True)
class ProductSummary:
    pairs: Pairs
    gateways: Gateways
    triples: Triples | None = None
    first_value: FirstValue | None = None

    def to_dict(self, limit: int = 50) -> dict:
        """The ``baskets --json`` shape: associated pairs (strongest first), gateways (most extra repeat
        customers first), first purchases whose customers spend more in the year after (most extra value first)
        and, when asked for, strong triples; each list cut at ``limit``."""
        out = {
            "baskets": self.pairs.baskets, "level": self.pairs.level, "min_baskets": self.pairs.min_baskets,
            "pairs_tested": self.pairs.tests, "false_discovery_rate": self.pairs.fdr,
            "pairs": self.pairs.associated[PAIR_FIELDS].head(limit).to_dict("records"),
            "first_time_customers": self.gateways.customers, "average_repeat_rate": self.gateways.average,
            "repeat_window_days": self.gateways.window_days,
            "left_out_first_month": self.gateways.before_data,
            "gateways": self.gateways.found[GATEWAY_FIELDS].head(limit).to_dict("records"),
        }
        if self.first_value is not None:
            out["first_year_customers"] = self.first_value.customers
            out["average_first_year_value"] = self.first_value.average
            out["first_year_value"] = self.first_value.found[VALUE_FIELDS].head(limit).to_dict("records")
        if self.triples is not None:
            out["triples_tested"] = self.triples.tests
            out["triples_limited"] = self.triples.limited
            out["triples"] = self.triples.strong[TRIPLE_FIELDS].head(limit).to_dict("records")
        return out


def product_summary(ws_or_con, level: str = "product", min_baskets: int = 10, as_of=None,
                    fdr: float = 0.05, window_days: int = 90, triples: bool = False) -> ProductSummary:
    """Pairs bought together and gateway items from the kept lines before ``as_of`` (default: all); with
    ``triples``, the strong triples too (slower: 10–20 s on UCI Online Retail's 800,000 associated pairs)."""
    lines = kept_lines(ws_or_con, as_of)
    end = history_end(ws_or_con, as_of)
    pairs = bought_together(lines, level, min_baskets, fdr)
    found = gateways(lines, end, level, window_days) if end is not None else gateways(lines.iloc[:0], lines
                                                                                       ["ordered_at"].max())
    value = first_year_value(lines, purchase_days(ws_or_con, as_of), end, level) if end is not None else None
    return ProductSummary(pairs, found, bought_together_three(lines, pairs) if triples else None, value)
