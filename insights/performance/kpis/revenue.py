"""Revenue's definition, a workspace setting: :class:`RevenueDefinition`, read with :func:`revenue_definition`,
saved with :func:`set_revenue_definition` (which rebuilds the summaries, so every KPI follows it), and said in
one line by :func:`revenue_caption`.

Discounts are always netted. Tax and shipping are counted or not; refunds fall on the refund's date or on the
order's date; orders with a chosen status are left out; the shop's time zone sets day boundaries. Tax,
shipping, refund dates and the time zone need an export that carries an order's money parts (Shopify's orders
export: ``order_money``); with plain order lines, revenue is quantity × unit price and those options do not
apply. The mart ``kpi_order_facts`` reads the settings from ``workspace_meta`` (keys ``setting:revenue_*`` and
``setting:shop_timezone``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from insights.core.db import first_row, sql_text

TAX_CHOICES = ("exclude", "include")
SHIPPING_CHOICES = ("exclude", "include")
REFUND_CHOICES = ("order_date", "refund_date")
SETTING_KEYS = {"tax": "revenue_tax", "shipping": "revenue_shipping", "refunds": "revenue_refunds",
                "excluded_statuses": "revenue_excluded_statuses", "timezone": "shop_timezone"}


@dataclass(frozen=True)
class RevenueDefinition:
    tax: str = "exclude"
    shipping: str = "exclude"
    refunds: str = "order_date"
    excluded_statuses: tuple[str, ...] = ()
    timezone: str | None = None      # IANA name; None = times as the files write them

    def __post_init__(self):
        if self.tax not in TAX_CHOICES:
            raise ValueError(f"tax must be one of {', '.join(TAX_CHOICES)}, not {self.tax!r}")
        if self.shipping not in SHIPPING_CHOICES:
            raise ValueError(f"shipping must be one of {', '.join(SHIPPING_CHOICES)}, not {self.shipping!r}")
        if self.refunds not in REFUND_CHOICES:
            raise ValueError(f"refunds must be one of {', '.join(REFUND_CHOICES)}, not {self.refunds!r}")
        if self.timezone:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"time zone must be a name such as Europe/Amsterdam, not {self.timezone!r}") \
                    from None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["excluded_statuses"] = list(self.excluded_statuses)
        return out


def revenue_definition(ws) -> RevenueDefinition:
    """The workspace's definition (defaults where never set)."""
    statuses = ws.setting(SETTING_KEYS["excluded_statuses"]) or ""
    return RevenueDefinition(
        tax=ws.setting(SETTING_KEYS["tax"]) or "exclude",
        shipping=ws.setting(SETTING_KEYS["shipping"]) or "exclude",
        refunds=ws.setting(SETTING_KEYS["refunds"]) or "order_date",
        excluded_statuses=tuple(s for s in statuses.split(",") if s),
        timezone=ws.setting(SETTING_KEYS["timezone"]) or None)


def set_revenue_definition(ws, **changes) -> RevenueDefinition:
    """Change some parts (``tax``, ``shipping``, ``refunds``, ``excluded_statuses``, ``timezone``), keep the
    rest, and rebuild the summaries in one transaction: the data version changes, so cached figures go."""
    current = revenue_definition(ws).to_dict()
    for key, value in changes.items():
        if key not in SETTING_KEYS:
            raise ValueError(f"unknown part of the revenue definition: {key!r}")
        if value is not None:
            current[key] = value
    if "excluded_statuses" in changes and changes["excluded_statuses"] is not None:
        current["excluded_statuses"] = [s.strip().lower() for s in changes["excluded_statuses"] if s.strip()]
    if changes.get("timezone") == "":
        current["timezone"] = None
    new = RevenueDefinition(current["tax"], current["shipping"], current["refunds"],
                            tuple(current["excluded_statuses"]), current["timezone"])
    with ws.transaction() as con:
        for key, setting in SETTING_KEYS.items():
            value = getattr(new, key)
            if key == "excluded_statuses":
                value = ",".join(value) or None
            con.execute(sql_text("queries/performance/kpis/revenue_setting_delete.sql"), {"key": "setting:" + setting})
            con.execute(sql_text("queries/performance/kpis/revenue_setting_insert.sql"),
                        {"key": "setting:" + setting, "value": value})
        ws.build_marts_in(con)
    return new


def has_money_parts(ws) -> bool:
    """Does any loaded export carry orders' money parts (tax, shipping, refunds)?"""
    return bool(first_row(ws.con.execute(sql_text("queries/performance/kpis/money_parts_present.sql")))[0])


def order_statuses(ws) -> list[str]:
    """The order statuses the loaded files use (lower case), for choosing which count."""
    return [r[0] for r in ws.con.execute(
        sql_text("queries/performance/kpis/order_statuses.sql")).fetchall()]


def revenue_caption(definition: RevenueDefinition, money_parts: bool, follows: bool = True) -> str:
    """One line: what revenue means in this workspace. ``follows`` is false for a page whose figures are sums
    of order lines (the orders and customers marts): with money parts loaded, it says so and where the chosen
    definition applies instead."""
    parts = ["Revenue: net of discounts"]
    if money_parts and not follows:
        return ("Revenue here: the order lines' quantity × unit price, net of returns, before order discounts, "
                "tax and shipping; the KPI scorecard and cohorts count revenue as set on the KPI page.")
    if money_parts:
        incl = [w for w, on in (("tax", definition.tax == "include"), ("shipping", definition.shipping == "include"))
                if on]
        excl = [w for w in ("tax", "shipping") if w not in incl]
        if incl:
            parts.append("incl. " + " and ".join(incl))
        if excl:
            parts.append("excl. " + " and ".join(excl))
        parts.append("refunds on the " + ("refund date (the order date where the export has none)"
                                          if definition.refunds == "refund_date" else "order date"))
    else:
        parts.append("quantity × unit price of the lines (tax, shipping and refund dates do not apply: "
                     "the files carry no order totals)")
    if definition.excluded_statuses:
        parts.append("orders “" + "”, “".join(definition.excluded_statuses) + "” left out")
    if definition.timezone:
        parts.append(f"days in {definition.timezone}" + ("" if money_parts else " (times as the files write them)"))
    return ", ".join(parts) + "."
