"""The web funnel: steps from the events, conversion with Wilson intervals, drop-off by device, channel,
country, new vs returning and (given the customers' labels by month) RFM segment and lifecycle stage, ranked by
orders lost; per month or week (`funnel_by_period`); per product and category (`products`). Floor 2: reads core's marts."""

from insights.funnel.funnel import (CUSTOMER_DIMENSIONS, DEFAULT_STEPS, DIMENSIONS, NOT_YET, PERIODS, Funnel, funnel,
                                   funnel_by_period, parse_steps)
from insights.funnel.products import event_months, months_standing_out, product_funnel, stand_out

__all__ = ["CUSTOMER_DIMENSIONS", "DEFAULT_STEPS", "DIMENSIONS", "Funnel", "NOT_YET", "PERIODS", "event_months",
           "funnel", "funnel_by_period", "months_standing_out", "parse_steps", "product_funnel", "stand_out"]
