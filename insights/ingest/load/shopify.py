"""The Shopify orders export read as Shopify writes it: :func:`apply_profile` on a prepared file, and the
order money parts (:class:`ShopifyOrders`) with the reconciliation in Shopify's own terms.

Shopify's orders export (Orders › Export) has one row per line item. The order's own fields (Financial Status,
Currency, Subtotal, Shipping, Taxes, Total, Discount Amount, Refunded Amount, Created at, the addresses …)
are filled on the order's **first** line only; the later lines carry ``Name``, ``Email``, the ``Lineitem *``
columns and ``Vendor``. ``Name`` (``#1001``) is the order number; ``Receipt Number`` is filled for POS orders
only; ``Total`` is the order's total, never a line amount. ``Created at`` is the shop's local time with its
UTC offset (``2024-03-05 14:02:11 +0100``).

The profile (recognised by its header set) fills the order fields down to every line of the order, maps
``Name``, ``Created at``, ``Lineitem price`` × ``Lineitem quantity`` and keeps ``Created at`` as the
wall-clock time written (Shopify writes it in the shop's time zone) while the UTC instant goes with the
order's money parts, so the workspace's shop time zone can move day boundaries later. A partly refunded order
keeps its lines (the refund is one of its money parts); a fully refunded or voided order nets to zero as before.

Shopify's sales report (Analytics › Reports, Finances summary) defines, per order:
gross sales = price × quantity before discounts, returns, shipping and taxes (without the tax when prices
include it); discounts = line and order discounts; returns = the value of goods given back (on the return's
date); net sales = gross sales − discounts − returns; shipping = shipping charged − shipping refunded;
taxes = taxes charged − taxes refunded; total sales = net sales + shipping + taxes. The export does not
split taxes between goods and shipping, nor a refund between goods, shipping and tax: here the order's tax
is shared between goods and shipping by their amounts, a partial refund is goods plus its share of tax (no
shipping), a full refund or a cancellation returns every part. Total sales then equals the sum of ``Total``
less the money refunded (or the whole total of a cancelled order) to the cent, which :meth:`reconciliation`
asserts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

# the columns that mark a Shopify orders export (a subset every layout since 2015 carries)
SIGNATURE = frozenset({"Name", "Financial Status", "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount",
                       "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Refunded Amount"})
# columns repeated on every line of an order (the rest is written on its first line only)
LINE_COLUMNS = frozenset({"Name", "Email", "Vendor"})
MAPPING = {"order_id": "Name", "ordered_at": "Created at", "email": "Email", "product_id": "Lineitem sku",
           "product_name": "Lineitem name", "quantity": "Lineitem quantity", "unit_price": "Lineitem price",
           "currency": "Currency", "channel": "Source", "country": "Shipping Country", "status": "Financial Status",
           "name": "Billing Name"}
SALES_LINES = ("gross_sales", "discounts", "returns", "net_sales", "shipping", "taxes", "total_sales")
SALES_LABELS = {"gross_sales": "Gross sales", "discounts": "Discounts", "returns": "Returns",
                "net_sales": "Net sales", "shipping": "Shipping", "taxes": "Taxes", "total_sales": "Total sales"}
CENT = Decimal("0.01")
_OFFSET = re.compile(r"^\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2})?)\s*([+-]\d{2}):?(\d{2})\s*$")


def is_shopify_orders(columns) -> bool:
    return SIGNATURE <= {str(c).strip() for c in columns}


@dataclass
class OrderMoney:
    """One order's money parts as the export writes them, and its lines of Shopify's sales report."""
    order_id: str
    source_row: int
    currency: str | None
    ordered_at_utc: dt.datetime | None
    financial_status: str | None
    cancelled_at: str | None
    subtotal: Decimal
    discount_amount: Decimal
    shipping_charged: Decimal
    taxes_charged: Decimal
    total: Decimal
    refunded_amount: Decimal
    taxes_included: bool
    gross_sales: Decimal = Decimal(0)
    discounts: Decimal = Decimal(0)
    returns: Decimal = Decimal(0)
    shipping: Decimal = Decimal(0)           # shipping charged without its tax
    shipping_returned: Decimal = Decimal(0)
    taxes_returned: Decimal = Decimal(0)

    @property
    def cancelled(self) -> bool:
        return bool(self.cancelled_at) or (self.financial_status or "").lower() == "voided"

    def split(self, lines_gross: Decimal) -> None:
        """Shopify's sales-report parts of this order (see the module docstring for the rules)."""
        s, h, t, o = self.subtotal, self.shipping_charged, self.taxes_charged, self.total
        if self.taxes_included and s + h:
            goods_tax = _cents(t * s / (s + h))
            shipping_tax = t - goods_tax
        else:
            goods_tax, shipping_tax = Decimal(0), Decimal(0)
        net_goods = s - goods_tax
        self.gross_sales = _cents(lines_gross * net_goods / s) if s else lines_gross
        self.discounts = self.gross_sales - net_goods
        self.shipping = h - shipping_tax
        refunded = o if self.cancelled and self.refunded_amount < o else self.refunded_amount
        if refunded >= o:                   # everything given back
            self.returns, self.shipping_returned, self.taxes_returned = net_goods, self.shipping, t
        elif refunded:
            self.taxes_returned = _cents(refunded * t / o) if o else Decimal(0)
            self.returns = refunded - self.taxes_returned

    @property
    def money_back(self) -> Decimal:
        return self.returns + self.shipping_returned + self.taxes_returned


@dataclass
class ShopifyOrders:
    """The orders of one Shopify export (first lines), with their parts once :meth:`compute` has run."""
    orders: list[OrderMoney] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def reconciliation(self, kept: set[str] | None = None) -> dict:
        """Shopify's sales-report lines over the orders (only those in ``kept`` when given), each in the
        currency of the export, with the check that total sales = Σ Total − money given back."""
        orders = [o for o in self.orders if kept is None or o.order_id in kept]
        sums = {k: sum((getattr(o, k) for o in orders), Decimal(0)) for k in
                ("gross_sales", "discounts", "returns", "shipping", "shipping_returned", "taxes_charged",
                 "taxes_returned", "total", "refunded_amount")}
        lines = {"gross_sales": sums["gross_sales"], "discounts": -sums["discounts"], "returns": -sums["returns"]}
        lines["net_sales"] = lines["gross_sales"] + lines["discounts"] + lines["returns"]
        lines["shipping"] = sums["shipping"] - sums["shipping_returned"]
        lines["taxes"] = sums["taxes_charged"] - sums["taxes_returned"]
        lines["total_sales"] = lines["net_sales"] + lines["shipping"] + lines["taxes"]
        given_back = sum((o.money_back for o in orders), Decimal(0))
        if lines["total_sales"] != sums["total"] - given_back:
            raise AssertionError(f"Shopify reconciliation broken: {lines} against totals {sums['total']}")
        currencies = sorted({o.currency for o in orders if o.currency})
        return {"source": "Shopify sales report", "orders": len(orders),
                "currency": currencies[0] if len(currencies) == 1 else None,
                "lines": {k: float(lines[k]) for k in SALES_LINES},
                "order_totals": float(sums["total"]), "refunded": float(sums["refunded_amount"]),
                "cancelled_orders": sum(o.cancelled for o in orders),
                "taxes_included_orders": sum(o.taxes_included for o in orders),
                "notes": list(self.notes)}


def apply_profile(plan) -> ShopifyOrders | None:
    """When ``plan`` is a Shopify orders export: its order fields filled down, ``Created at`` as written
    without the offset, the mapping set, and the orders' money parts attached as ``plan.shopify``."""
    raw = plan.raw
    if not is_shopify_orders(plan.columns):
        return None
    headers = [c.strip() for c in plan.columns]
    data = raw.data
    col = {h: i for i, h in enumerate(headers)}
    names = data.column(col["Name"]).to_pylist()
    first_of: dict[str, int] = {}
    first = np.array([first_of.setdefault(n, i) for i, n in enumerate(names)], dtype=np.int64)
    take = pa.array(first)
    arrays = []
    for i, h in enumerate(headers):
        values = data.column(i).combine_chunks() if isinstance(data.column(i), pa.ChunkedArray) else data.column(i)
        if h not in LINE_COLUMNS and not h.startswith("Lineitem "):
            empty = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(values), ""), True)
            values = pc.if_else(empty, values.take(take), values)
        arrays.append(values)
    created = arrays[col["Created at"]].to_pylist()
    arrays[col["Created at"]] = pa.array([_wall_time(v) for v in created], pa.string())
    status = arrays[col["Financial Status"]]
    arrays[col["Financial Status"]] = pc.replace_substring_regex(status, r"(?i)^\s*partially_refunded\s*$", "paid")
    raw.data = pa.table(arrays, names=data.column_names)
    rows = (np.asarray(raw.source_rows, dtype=np.int64) if raw.source_rows is not None
            else np.arange(2, data.num_rows + 2))
    shopify = _orders(headers, data, first, created, rows)
    for fld in list(plan.mapping):
        plan.mapping[fld] = col.get(MAPPING[fld]) if fld in MAPPING else None
        if plan.mapping[fld] is not None:
            plan.confidence[fld] = "Shopify orders export"
        else:
            plan.confidence.pop(fld, None)
    plan.set_mapping("ordered_at", col["Created at"])     # decides the date format of the filled-down column
    plan.confidence["ordered_at"] = "Shopify orders export"
    plan.notes.append("Shopify orders export: order fields are written on each order's first line and were "
                      "filled down to its other lines; the order number is “Name”; a line's amount is "
                      "“Lineitem price” × “Lineitem quantity”; “Created at” is kept as the shop's local time.")
    partly = sum(1 for o in shopify.orders if (o.financial_status or "").lower() == "partially_refunded")
    if partly:
        plan.notes.append(f"{partly} partly refunded order{'s keep their' if partly > 1 else ' keeps its'} lines; "
                          "the refunded amount is kept with the order's money parts.")
    plan.shopify = shopify
    return shopify


def _orders(headers, data: pa.Table, first: np.ndarray, created: list, rows: np.ndarray) -> ShopifyOrders:
    col = {h: i for i, h in enumerate(headers)}
    cells = {h: data.column(col[h]).to_pylist() for h in (
        "Name", "Currency", "Financial Status", "Cancelled at", "Subtotal", "Discount Amount", "Shipping",
        "Taxes", "Total", "Refunded Amount", "Lineitem price", "Lineitem quantity")}
    gross: dict[int, Decimal] = {}
    for i, f in enumerate(first):
        gross[int(f)] = gross.get(int(f), Decimal(0)) + _amount(cells["Lineitem price"][i]) * _amount(
            cells["Lineitem quantity"][i])
    out = ShopifyOrders()
    mismatched = []
    for f in sorted(gross):
        s, h, t, o = (_amount(cells[k][f]) for k in ("Subtotal", "Shipping", "Taxes", "Total"))
        included = bool(t) and o == s + h and o != s + h + t
        if o not in (s + h, s + h + t):
            mismatched.append(cells["Name"][f])
        money = OrderMoney(
            order_id=str(cells["Name"][f]).strip(), source_row=int(rows[f]), currency=_text(cells["Currency"][f]),
            ordered_at_utc=_utc(created[f]), financial_status=_text(cells["Financial Status"][f]),
            cancelled_at=_text(cells["Cancelled at"][f]), subtotal=s, discount_amount=_amount(cells["Discount Amount"][f]),
            shipping_charged=h, taxes_charged=t, total=o, refunded_amount=_amount(cells["Refunded Amount"][f]),
            taxes_included=included)
        money.split(gross[f])
        out.orders.append(money)
    if any(o.taxes_included for o in out.orders):
        out.notes.append("Prices include tax: as in Shopify's report, gross sales, discounts, returns and shipping "
                         "are shown without it; the export does not split an order's tax between goods and "
                         "shipping, so it is shared by their amounts (a cent or two per order may differ).")
    if mismatched:
        out.notes.append(f"{len(mismatched)} order(s) whose Total is neither Subtotal + Shipping nor that plus "
                         f"Taxes (e.g. {mismatched[0]}): duties or fees the export does not itemise.")
    return out


def _cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def _amount(text) -> Decimal:
    if text is None or not str(text).strip():
        return Decimal(0)
    try:
        return Decimal(str(text).strip().replace(",", ""))
    except InvalidOperation:
        return Decimal(0)


def _text(value) -> str | None:
    return str(value).strip() or None if value is not None else None


def _wall_time(text):
    """``2024-03-05 14:02:11 +0100`` → ``2024-03-05 14:02:11`` (the shop's local time as written)."""
    if text is None:
        return None
    m = _OFFSET.match(str(text))
    return m.group(1) if m else text


def _utc(text) -> dt.datetime | None:
    """The UTC time (naive) of a ``Created at`` with its offset; None without one."""
    m = _OFFSET.match(str(text or ""))
    if not m:
        return None
    stamp = m.group(1).replace("T", " ")
    local = dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S" if stamp.count(":") == 2 else "%Y-%m-%d %H:%M")
    sign = -1 if m.group(2).startswith("-") else 1
    offset = dt.timedelta(hours=abs(int(m.group(2))), minutes=int(m.group(3))) * sign
    return local - offset


def store_order_money(con, plan, report) -> None:
    """The money parts of the orders whose lines were loaded, into ``order_money``, and the file report's
    reconciliation. Runs inside the load's transaction while ``_incoming`` is registered."""
    shopify = getattr(plan, "shopify", None)
    if shopify is None or report.file_id is None:
        return
    kept = {r[0] for r in con.execute("select distinct f_order_id from _incoming where _keep").fetchall()}
    orders = [o for o in shopify.orders if o.order_id in kept]
    if orders:
        con.executemany(
            "insert into order_money values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [[o.order_id, report.file_id, o.source_row, o.currency, o.ordered_at_utc, o.financial_status,
              o.cancelled, _cancel_time(o.cancelled_at), o.taxes_included, o.subtotal, o.discount_amount,
              o.shipping_charged, o.taxes_charged, o.total, o.refunded_amount, None, o.gross_sales, o.discounts,
              o.returns, o.shipping, o.shipping_returned, o.taxes_returned] for o in orders])
    report.reconciliation = shopify.reconciliation(kept)


def _cancel_time(text) -> dt.datetime | None:
    """A cancellation's time in the shop's local time as written (its offset dropped), None when absent."""
    m = _OFFSET.match(str(text or ""))
    if not m:
        return None
    stamp = m.group(1).replace("T", " ")
    return dt.datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S" if stamp.count(":") == 2 else "%Y-%m-%d %H:%M")
