"""What a customer costs and what they bring back: marketing spend per acquisition channel beside the customers
each channel brought — CAC, blended and paid, ROAS, payback months, LTV:CAC (``cac``); which shop channel each
spend label pays for (``channels``); spend spread over months (``spend``); value and payback (``payback``)."""

from insights.acquisition.cac import Acquisition, acquisition

__all__ = ["Acquisition", "acquisition"]
