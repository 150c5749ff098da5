"""The web funnel: steps from the events, conversion with Wilson intervals, drop-off by device, channel,
country and new vs returning, ranked by orders lost. Floor 2: reads core's marts."""

from insights.funnel.funnel import DEFAULT_STEPS, DIMENSIONS, Funnel, funnel, parse_steps

__all__ = ["DEFAULT_STEPS", "DIMENSIONS", "Funnel", "funnel", "parse_steps"]
