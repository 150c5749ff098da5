"""Is there enough data for a customer-value (BG/NBD + Gamma-Gamma) model, and what is missing?

The check looks at three numbers taken from the customer summary: customers with a first purchase,
**repeat buyers** (customers who bought on at least two different days — the model learns the purchase
rhythm and the dropout only from them) and the **length of history** (days from the first to the last
purchase day in the data). Each has a hard floor, below which the model is not fitted, and a comfortable
level, below which it is fitted but its estimates are called rough:

=================  ===========  ===============
what               floor        comfortable
=================  ===========  ===============
customers          50           500
repeat buyers      20           200
history            90 days      180 days
=================  ===========  ===============

(The big tools ask for more before showing anything: Klaviyo 500 customers and 180 days, GA4 1,000 buyers.
Below our floors the optimiser either fails or gives parameters that change completely with a handful of
customers; between floor and comfortable level they are usable but wide.)

The result says, in plain words, what falls short and what the shop can still look at meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MIN_CUSTOMERS, GOOD_CUSTOMERS = 50, 500
MIN_REPEAT_BUYERS, GOOD_REPEAT_BUYERS = 20, 200
MIN_HISTORY_DAYS, GOOD_HISTORY_DAYS = 90, 180

READY, ROUGH, NOT_READY = "ready", "rough", "not_ready"

ALWAYS_AVAILABLE = ("repeat-purchase rates and the gaps between orders",
                    "cohort tables (how many customers come back, and what they spend)",
                    "each customer's order history and spend to date")


@dataclass(frozen=True)
class Readiness:
    """Verdict of :func:`assess`. ``status`` is ``ready``, ``rough`` (fit, but say the estimates are rough)
    or ``not_ready`` (do not fit). ``problems`` are sentences for the owner; ``can_show`` lists what works
    without the model."""

    status: str
    customers: int
    repeat_buyers: int
    history_days: int
    problems: list[str] = field(default_factory=list)
    can_show: list[str] = field(default_factory=list)

    @property
    def can_fit(self) -> bool:
        return self.status != NOT_READY

    def message(self) -> str:
        """One paragraph for the page or the command line."""
        if self.status == READY:
            return (f"{self.customers:,} customers, {self.repeat_buyers:,} of them repeat buyers, over "
                    f"{self.history_days:,} days: enough for a stable estimate.")
        head = ("Not enough data for a customer-value model yet. " if self.status == NOT_READY
                else "Enough data for a first estimate, but expect it to be rough. ")
        text = head + " ".join(self.problems)
        if self.status == NOT_READY and self.can_show:
            text += " Meanwhile you can still look at " + "; ".join(self.can_show) + "."
        return text


def _people(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def assess(customers: int, repeat_buyers: int, history_days: int) -> Readiness:
    """Judge whether a CLV model can be fitted on this much data (see the module's table of thresholds)."""
    problems: list[str] = []
    hard = soft = False
    if customers < MIN_CUSTOMERS:
        hard = True
        problems.append(f"Only {_people(customers, 'customer has', 'customers have')} bought so far; at least "
                        f"{MIN_CUSTOMERS} are needed, and about {GOOD_CUSTOMERS} for a stable estimate.")
    elif customers < GOOD_CUSTOMERS:
        soft = True
        problems.append(f"{customers:,} customers have bought so far; about {GOOD_CUSTOMERS} are needed for a "
                        "stable estimate.")
    bought_twice = _people(repeat_buyers, "customer", "customers") + " bought on more than one day"
    if repeat_buyers < MIN_REPEAT_BUYERS:
        hard = True
        problems.append(f"Only {bought_twice}; the model learns how often people come back from them, so it "
                        f"needs at least {MIN_REPEAT_BUYERS}, and about {GOOD_REPEAT_BUYERS} for a stable estimate.")
    elif repeat_buyers < GOOD_REPEAT_BUYERS:
        soft = True
        problems.append(f"{bought_twice[0].upper() + bought_twice[1:]}; about {GOOD_REPEAT_BUYERS} are needed for "
                        "a stable estimate.")
    if history_days < MIN_HISTORY_DAYS:
        hard = True
        problems.append(f"The orders cover {_people(history_days, 'day', 'days')}; at least {MIN_HISTORY_DAYS} "
                        f"days are needed to see customers come back, and about {GOOD_HISTORY_DAYS} for a "
                        "stable estimate.")
    elif history_days < GOOD_HISTORY_DAYS:
        soft = True
        problems.append(f"The orders cover {history_days:,} days; about {GOOD_HISTORY_DAYS} days are needed for "
                        "a stable estimate and a meaningful backtest.")
    status = NOT_READY if hard else ROUGH if soft else READY
    can_show = list(ALWAYS_AVAILABLE) if status != READY else []
    return Readiness(status, int(customers), int(repeat_buyers), int(history_days), problems, can_show)
