"""How many customers a test needs, and the smallest change a list of a given size can show.

The textbook sample size for two proportions (Fleiss; the formula G*Power and the online calculators use):

    n = (z_{1-α/s} · sqrt(2 p̄ (1 − p̄)) + z_{power} · sqrt(p1 (1 − p1) + p2 (1 − p2)))² / (p2 − p1)²

per variant, with p̄ = (p1 + p2) / 2 and s the number of sides. With several variants each is compared with the
control at α / (variants − 1) (Bonferroni, which Holm never needs more than). 5% baseline, 10% relative MDE,
α 0.05 two-sided, power 0.8 → 31,234 per variant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, stats


@dataclass
class Plan:
    users_per_variant: int
    total_users: int
    mde_at_list_size: float | None      # in the unit of --mde (relative or absolute); None without a list size

    def to_dict(self) -> dict:
        return {"users_per_variant": self.users_per_variant, "total_users": self.total_users,
                "mde_at_list_size": self.mde_at_list_size}


def _check(baseline: float, alpha: float, power: float, sides: int, variants: int) -> None:
    if not 0 < baseline < 1:
        raise ValueError(f"baseline {baseline}: expected a rate between 0 and 1 (5% is 0.05)")
    check_settings(alpha, power, sides, variants)


def check_settings(alpha: float, power: float, sides: int, variants: int) -> None:
    """Alpha, power, sides and variants as every planner takes them (a ValueError says what was expected)."""
    if not 0 < alpha < 1 or not 0 < power < 1:
        raise ValueError("alpha and power are between 0 and 1 (such as 0.05 and 0.8)")
    if sides not in (1, 2):
        raise ValueError(f"sides {sides}: expected 1 or 2")
    if variants < 2:
        raise ValueError(f"variants {variants}: a test has at least 2 (the control and one change)")


def z_values(alpha: float, power: float, sides: int, variants: int) -> tuple[float, float]:
    return float(stats.norm.ppf(1 - alpha / (variants - 1) / sides)), float(stats.norm.ppf(power))


def _n_exact(p1: float, p2: float, z_a: float, z_b: float) -> float:
    mean = (p1 + p2) / 2
    top = z_a * math.sqrt(2 * mean * (1 - mean)) + z_b * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return top * top / (p2 - p1) ** 2


def users_per_variant(baseline: float, mde: float, *, absolute: bool = False, alpha: float = 0.05,
                      power: float = 0.8, sides: int = 2, variants: int = 2) -> int:
    """Users in each variant to detect a change of ``mde`` (relative to ``baseline`` unless ``absolute``)."""
    _check(baseline, alpha, power, sides, variants)
    target = baseline + mde if absolute else baseline * (1 + mde)
    if mde == 0 or not 0 < target < 1:
        raise ValueError(f"mde {mde}: the changed rate must differ from the baseline and stay between 0 and 1")
    return math.ceil(_n_exact(baseline, target, *z_values(alpha, power, sides, variants)) - 1e-9)


def mde_at(users: int, baseline: float, *, absolute: bool = False, alpha: float = 0.05, power: float = 0.8,
           sides: int = 2, variants: int = 2) -> float:
    """The smallest rise a test with ``users`` per variant detects (relative, or absolute points as a share)."""
    _check(baseline, alpha, power, sides, variants)
    if users < 2:
        raise ValueError(f"{users} users per variant: too few for any test")
    z_a, z_b = z_values(alpha, power, sides, variants)
    hi = 1 - 1e-9
    if _n_exact(baseline, hi, z_a, z_b) > users:
        return float("inf")
    rise = optimize.brentq(lambda p2: _n_exact(baseline, p2, z_a, z_b) - users, baseline + 1e-9, hi, xtol=1e-12)
    return (rise - baseline) if absolute else (rise / baseline - 1)


def plan(baseline: float, mde: float, *, absolute: bool = False, alpha: float = 0.05, power: float = 0.8,
         sides: int = 2, variants: int = 2, list_size: int | None = None) -> Plan:
    """Users per variant and in total; with ``list_size`` (split equally), the MDE that list can detect."""
    n = users_per_variant(baseline, mde, absolute=absolute, alpha=alpha, power=power, sides=sides, variants=variants)
    at = None
    if list_size:
        at = mde_at(list_size // variants, baseline, absolute=absolute, alpha=alpha, power=power, sides=sides,
                    variants=variants)
    return Plan(n, n * variants, at)
