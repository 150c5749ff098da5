"""The second-purchase view: of first-time buyers, how many buy again, how soon, and what about the first order
goes with coming back (see :mod:`insights.second_purchase.view`)."""
