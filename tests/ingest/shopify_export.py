"""A small Shopify orders export written in Shopify's layout (tests/ingest/vendor_exports/COLUMNS.md §1), with
tax on top of prices (a US shop), a discount, shipping, a partial refund, a full refund with a cancellation,
and the figures of Shopify's sales report worked out by hand."""

from __future__ import annotations

import csv
from pathlib import Path

HEADER = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
          "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
          "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
          "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
          "Billing Name", "Shipping Country", "Cancelled at", "Refunded Amount", "Vendor", "Id", "Source",
          "Lineitem discount", "Receipt Number"]

# order fields on each order's first line only, as Shopify writes them
ROWS = [
    # #2001: 2 x 10.00 + 1 x 5.00 = 25.00, code SPRING10 takes 2.50, shipping 4.00, tax 8% of 22.50 = 1.80
    {"Name": "#2001", "Email": "ada@example.com", "Financial Status": "paid", "Currency": "USD", "Subtotal": "22.50",
     "Shipping": "4.00", "Taxes": "1.80", "Total": "28.30", "Discount Code": "SPRING10", "Discount Amount": "2.50",
     "Created at": "2024-03-05 14:02:11 -0500", "Lineitem quantity": "2", "Lineitem name": "Mug",
     "Lineitem price": "10.00", "Lineitem sku": "MUG", "Refunded Amount": "0.00", "Id": "9001", "Source": "web"},
    {"Name": "#2001", "Email": "ada@example.com", "Lineitem quantity": "1", "Lineitem name": "Spoon",
     "Lineitem price": "5.00", "Lineitem sku": "SPOON"},
    # #2002: 30.00, no shipping, tax 2.40, 10.80 refunded (10.00 of goods + 0.80 of tax); placed 20:30 in New
    # York on 31 March = 02:30 on 1 April in Amsterdam
    {"Name": "#2002", "Email": "bob@example.com", "Financial Status": "partially_refunded", "Currency": "USD",
     "Subtotal": "30.00", "Shipping": "0.00", "Taxes": "2.40", "Total": "32.40", "Discount Amount": "0.00",
     "Created at": "2024-03-31 20:30:00 -0400", "Lineitem quantity": "1", "Lineitem name": "Teapot",
     "Lineitem price": "30.00", "Lineitem sku": "POT", "Refunded Amount": "10.80", "Id": "9002", "Source": "web"},
    # #2003: 12.00 + shipping 3.00 + tax 0.96, cancelled on 2 April and refunded in full
    {"Name": "#2003", "Email": "cy@example.com", "Financial Status": "refunded", "Currency": "USD",
     "Subtotal": "12.00", "Shipping": "3.00", "Taxes": "0.96", "Total": "15.96", "Discount Amount": "0.00",
     "Created at": "2024-03-28 09:00:00 -0400", "Cancelled at": "2024-04-02 10:00:00 -0400",
     "Lineitem quantity": "1", "Lineitem name": "Tea towel", "Lineitem price": "12.00", "Lineitem sku": "TOWEL",
     "Refunded Amount": "15.96", "Id": "9003", "Source": "web"},
]

# Shopify's sales report over the three orders, by hand:
#   gross sales 25.00 + 30.00 + 12.00 = 67.00; discounts -2.50; returns -(10.00 + 12.00) = -22.00;
#   net sales 67.00 - 2.50 - 22.00 = 42.50; shipping 4.00 + 3.00 - 3.00 = 4.00;
#   taxes 1.80 + 2.40 + 0.96 - 0.80 - 0.96 = 3.40; total sales 42.50 + 4.00 + 3.40 = 49.90
#   (= the totals 76.66 less the 26.76 given back)
SALES_REPORT = {"gross_sales": 67.00, "discounts": -2.50, "returns": -22.00, "net_sales": 42.50, "shipping": 4.00,
                "taxes": 3.40, "total_sales": 49.90}


def write_export(folder: Path, name: str = "orders_export.csv") -> Path:
    path = Path(folder) / name
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        for row in ROWS:
            writer.writerow([row.get(h, "") for h in HEADER])
    return path
