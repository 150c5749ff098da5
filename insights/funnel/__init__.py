"""The web funnel: steps from the events, conversion with Wilson intervals, drop-off by device, channel,
country and new vs returning, ranked by orders lost; per product and category (`products`). Floor 2: reads core's marts."""

from insights.funnel.funnel import DEFAULT_STEPS, DIMENSIONS, Funnel, funnel, parse_steps
from insights.funnel.products import event_months, product_funnel, stand_out

__all__ = ["DEFAULT_STEPS", "DIMENSIONS", "Funnel", "funnel", "parse_steps", "product_funnel", "stand_out", "event_months"]
