"""Generates the vendor-layout test corpus in this folder (deterministic; invented people only).

Run: python3 generate.py   (stdlib only). See COLUMNS.md for the layouts and their sources.
"""
import csv, json, random, hashlib, io
from datetime import datetime, timedelta, timezone
from pathlib import Path

OUT = Path(__file__).resolve().parent
R = random.Random(20240302)

def w(name, header, rows, pre=None, bom=False, crlf=False):
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n" if crlf else "\n")
    for p in (pre or []):
        wr.writerow(p)
    wr.writerow(header)
    for r in rows:
        if isinstance(r, dict):
            r = [r.get(h, "") for h in header]
        assert len(r) == len(header), (name, len(r), len(header))
        wr.writerow(r)
    (OUT / name).write_text(("\ufeff" if bom else "") + buf.getvalue(), encoding="utf-8")

# ---------------------------------------------------------------- people (invented; example.* domains)
P = [  # first, last, email, city, province, country_code, zip, phone
    ("Anouk", "Verbeek", "anouk.verbeek@example.com", "Utrecht", "UT", "NL", "3511 AB", "+31612340001"),
    ("Jeroen", "Smits", "jeroen.smits@example.net", "Amersfoort", "UT", "NL", "3811 CD", "+31612340002"),
    ("Lotte", "de Graaf", "lotte.degraaf@example.org", "Amsterdam", "NH", "NL", "1012 EF", "+31612340003"),
    ("Sven", "Hoekstra", "s.hoekstra@example.com", "Groningen", "GR", "NL", "9711 GH", "+31612340004"),
    ("Marieke", "Jansen", "marieke.j@example.net", "Rotterdam", "ZH", "NL", "3011 JK", "+31612340005"),
    ("Thomas", "Becker", "thomas.becker@example.de", "Köln", "NW", "DE", "50667", "+4915112340006"),
    ("Julia", "Hoffmann", "julia.hoffmann@example.de", "Düsseldorf", "NW", "DE", "40213", "+4915112340007"),
    ("Lena", "Schäfer", "lena.schaefer@example.de", "Berlin", "BE", "DE", "10115", "+4915112340008"),
    ("Pieter", "Claes", "pieter.claes@example.be", "Antwerpen", "VAN", "BE", "2000", "+32470123409"),
    ("Elise", "Dubois", "elise.dubois@example.be", "Gent", "VOV", "BE", "9000", "+32470123410"),
    ("Camille", "Laurent", "camille.laurent@example.fr", "Lille", "", "FR", "59000", "+33612340011"),
    ("Bram", "van Dijk", "bram.vandijk@example.com", "Utrecht", "UT", "NL", "3521 LM", "+31612340012"),
    ("Fleur", "Bakker", "fleur.bakker@example.org", "Haarlem", "NH", "NL", "2011 NP", "+31612340013"),
    ("Daan", "Visser", "daan.visser@example.com", "Eindhoven", "NB", "NL", "5611 QR", "+31612340014"),
    ("Noor", "Mulder", "noor.mulder@example.net", "Leiden", "ZH", "NL", "2311 ST", "+31612340015"),
    ("Felix", "Wagner", "felix.wagner@example.de", "Münster", "NW", "DE", "48143", "+4915112340016"),
    ("Sophie", "Peeters", "sophie.peeters@example.be", "Leuven", "VBR", "BE", "3000", "+32470123417"),
    ("Ruben", "Kok", "ruben.kok@example.com", "Zwolle", "OV", "NL", "8011 VW", "+31612340018"),
    ("Iris", "de Wit", "iris.dewit@example.org", "Delft", "ZH", "NL", "2611 XY", "+31612340019"),
    ("Max", "Neumann", "max.neumann@example.de", "Hamburg", "HH", "DE", "20095", "+4915112340020"),
    ("Emma", "Meijer", "emma.meijer@example.com", "Nijmegen", "GE", "NL", "6511 AA", "+31612340021"),
    ("Hanna", "Vos", "hanna.vos@example.net", "Arnhem", "GE", "NL", "6811 BB", "+31612340022"),
]
COUNTRY = {"NL": "Netherlands", "DE": "Germany", "BE": "Belgium", "FR": "France"}
PROVINCE = {"UT": "Utrecht", "NH": "North Holland", "GR": "Groningen", "ZH": "South Holland", "NB": "North Brabant",
            "OV": "Overijssel", "GE": "Gelderland", "NW": "North Rhine-Westphalia", "BE": "Berlin", "HH": "Hamburg",
            "VAN": "Antwerp", "VOV": "East Flanders", "VBR": "Flemish Brabant", "": ""}
STREETS = ["Oudegracht 12", "Lange Nieuwstraat 4", "Kerkstraat 88", "Hauptstraße 7", "Rue Neuve 21",
           "Mariaplaats 3", "Breestraat 55", "Marktplein 9", "Schillerstraße 14", "Meir 40"]
def street(i): return STREETS[i % len(STREETS)]

# Kleine Rösterei (Utrecht, NL) — coffee roaster, prices incl. 9% VAT
PROD = [("KR-ESP-250", "Espresso Blend 250g", 12.90, "Coffee"), ("KR-FIL-500", "Filter Roast Ethiopia 500g", 21.50, "Coffee"),
        ("KR-DEC-250", "Decaf Colombia 250g", 11.50, "Coffee"), ("KR-MUG-01", "Stoneware Mug - Sand", 18.00, "Gear"),
        ("KR-V60-02", "Pour-over Dripper V60", 24.95, "Gear"), ("KR-GRD-01", "Hand Grinder", 59.00, "Gear"),
        ("KR-TEA-100", "Earl Grey Loose Leaf 100g", 8.75, "Tea")]
def m(x): return f"{x:.2f}"
AMS = timezone(timedelta(hours=1))
def ams(dt):  # naive local -> aware (CET, ignore DST switch except April+)
    off = 2 if dt.month >= 4 else 1
    return dt.replace(tzinfo=timezone(timedelta(hours=off)))

# ---------------------------------------------------------------- Shopify orders + customers
SHOP_ORDER_H = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
    "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
    "Billing Name", "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City",
    "Billing Zip", "Billing Province", "Billing Country", "Billing Phone",
    "Shipping Name", "Shipping Street", "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City",
    "Shipping Zip", "Shipping Province", "Shipping Country", "Shipping Phone",
    "Notes", "Note Attributes", "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level", "Source", "Lineitem discount",
    "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value", "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value",
    "Tax 5 Name", "Tax 5 Value", "Phone", "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name",
    "Payment ID", "Payment Terms Name", "Next Payment Due At", "Payment References"]
def stime(dt): return dt.strftime("%Y-%m-%d %H:%M:%S %z")

shop_orders = []   # (name, person idx|None, created, lines[(sku,name,price,qty)], status dict)
start = datetime(2024, 1, 4, 9, 12, 5)
buyers = [0, 1, 2, 3, 0, 4, 5, 6, 2, 7, 8, 0, 9, 10, 11, 1, 12, 13, 2, 14, 15, 0, None, 16, 17, 5]
special = {6: "refunded", 11: "partially_refunded", 17: "voided_cancelled", 22: "pos_guest", 25: "pending"}
t = start
for k, who in enumerate(buyers):
    t = t + timedelta(days=R.randint(2, 8), hours=R.randint(0, 9), minutes=R.randint(0, 59), seconds=R.randint(0, 59))
    n = R.choice([1, 1, 2, 2, 3])
    picks = R.sample(PROD, n)
    lines = [(s, nm, pr, R.choice([1, 1, 1, 2])) for s, nm, pr, _ in picks]
    shop_orders.append({"name": f"#{1001 + k}", "who": who, "created": ams(t), "lines": lines, "special": special.get(k)})

rows = []
cust_stats = {}
for k, o in enumerate(shop_orders):
    p = P[o["who"]] if o["who"] is not None else None
    sub_gross = sum(pr * q for _, _, pr, q in o["lines"])
    disc_code = "WELKOM10" if k in (0, 9, 14) else ""
    disc = round(sub_gross * 0.10, 2) if disc_code else 0.0
    subtotal = round(sub_gross - disc, 2)
    pos = o["special"] == "pos_guest"
    ship = 0.0 if (subtotal >= 50 or pos) else 4.95
    total = round(subtotal + ship, 2)
    tax = round(total - total / 1.09, 2)
    fin, paid_at, ful, ful_at, canc, refunded = "paid", stime(o["created"] + timedelta(seconds=3)), "fulfilled", \
        stime(o["created"] + timedelta(days=1, hours=3)), "", 0.0
    sp = o["special"]
    if sp == "refunded":
        fin, refunded = "refunded", total
    elif sp == "partially_refunded":
        fin, refunded = "partially_refunded", o["lines"][0][2]
    elif sp == "voided_cancelled":
        fin, paid_at, ful, ful_at, canc = "voided", "", "unfulfilled", "", stime(o["created"] + timedelta(hours=5))
    elif sp == "pending":
        fin, paid_at, ful, ful_at = "pending", "", "unfulfilled", ""
    oid = str(5610000000000 + k * 1337)
    for j, (sku, nm, pr, q) in enumerate(o["lines"]):
        r = {h: "" for h in SHOP_ORDER_H}
        r["Name"] = o["name"]
        r["Email"] = p[2] if p else ""
        r["Lineitem quantity"] = str(q); r["Lineitem name"] = nm; r["Lineitem price"] = m(pr)
        r["Lineitem sku"] = sku; r["Lineitem requires shipping"] = "true"; r["Lineitem taxable"] = "true"
        r["Lineitem fulfillment status"] = "fulfilled" if ful == "fulfilled" else "pending"
        r["Vendor"] = "Kleine Rösterei"; r["Lineitem discount"] = "0.00"
        if j == 0:
            r.update({"Financial Status": fin, "Paid at": paid_at, "Fulfillment Status": ful, "Fulfilled at": ful_at,
                      "Accepts Marketing": "yes" if (p and o["who"] % 3 != 2) else "no", "Currency": "EUR",
                      "Subtotal": m(subtotal), "Shipping": m(ship), "Taxes": m(tax), "Total": m(total),
                      "Discount Code": disc_code, "Discount Amount": m(disc),
                      "Shipping Method": "" if pos else ("PostNL Standaard" if ship else "Gratis verzending"),
                      "Created at": stime(o["created"]), "Cancelled at": canc,
                      "Payment Method": "" if fin == "pending" else ("Cash" if pos else R.choice(["iDEAL", "Shopify Payments", "Bancontact"])),
                      "Payment Reference": "" if fin == "pending" else f"c{R.randint(10**11, 10**12)}.1",
                      "Refunded Amount": m(refunded), "Outstanding Balance": m(total if fin == "pending" else 0),
                      "Id": oid, "Risk Level": "Low", "Source": "pos" if pos else "web",
                      "Tax 1 Name": "NL BTW 9%", "Tax 1 Value": m(tax), "Payment ID": f"c{R.randint(10**11, 10**12)}.1",
                      "Payment References": f"c{R.randint(10**11, 10**12)}.1"})
            if pos:
                r["Employee"] = "Mila (staff)"; r["Location"] = "Winkel Oudegracht"; r["Device ID"] = "310001"
                r["Receipt Number"] = "1-1042"
            if p:
                i = o["who"]; nm_ = f"{p[0]} {p[1]}"
                for side in ("Billing", "Shipping"):
                    r[f"{side} Name"] = nm_; r[f"{side} Street"] = street(i); r[f"{side} Address1"] = street(i)
                    r[f"{side} City"] = p[3]; r[f"{side} Zip"] = "'" + p[6]; r[f"{side} Province"] = p[4]
                    r[f"{side} Country"] = p[5]; r[f"{side} Phone"] = p[7]
                    r[f"{side} Province Name"] = PROVINCE[p[4]]
                if k == 2:
                    r["Notes"] = "Graag bij de buren afgeven, bedankt!"
                r["Tags"] = "terugkerende klant" if i in (0, 2) else ""
        rows.append(r)
    if p and fin not in ("voided",):
        s = cust_stats.setdefault(o["who"], [0, 0.0])
        s[0] += 1; s[1] += total - refunded
w("shopify_orders.csv", SHOP_ORDER_H, rows)

SHOP_CUST_H = ["Customer ID", "First Name", "Last Name", "Email", "Accepts Email Marketing", "Default Address Company",
    "Default Address Address1", "Default Address Address2", "Default Address City", "Default Address Province Code",
    "Default Address Country Code", "Default Address Zip", "Default Address Phone", "Phone", "Accepts SMS Marketing",
    "Total Spent", "Total Orders", "Note", "Tax Exempt", "Tags"]
rows = []
for i, p in enumerate(P[:20]):
    n, spent = cust_stats.get(i, [0, 0.0])
    rows.append({"Customer ID": "'" + str(7401000000000 + i * 7919), "First Name": p[0], "Last Name": p[1], "Email": p[2],
                 "Accepts Email Marketing": "yes" if i % 3 != 2 else "no",
                 "Default Address Company": "Koffiebar De Hoek" if i == 11 else "",
                 "Default Address Address1": street(i), "Default Address City": p[3],
                 "Default Address Province Code": p[4], "Default Address Country Code": p[5],
                 "Default Address Zip": "'" + p[6], "Default Address Phone": "'" + p[7], "Phone": "'" + p[7] if i % 2 == 0 else "",
                 "Accepts SMS Marketing": "yes" if i % 4 == 0 else "no", "Total Spent": m(spent), "Total Orders": str(n),
                 "Note": "Wholesale prijzen afgesproken" if i == 11 else "", "Tax Exempt": "no",
                 "Tags": "newsletter, terugkerende klant" if n > 1 else ("newsletter" if i % 3 != 2 else "")})
w("shopify_customers.csv", SHOP_CUST_H, rows)

# ---------------------------------------------------------------- WooCommerce (second shop: Teehaus Lindner, Köln, EUR)
TEA = [("TL-ASSAM-100", "Assam Broken 100 g", 6.90), ("TL-SENCHA-50", "Sencha Fukuyu 50 g", 9.50),
       ("TL-ROOIBOS-100", "Rooibos Vanille 100 g", 5.80), ("TL-POT-08", "Glaskanne 0,8 l", 29.00),
       ("TL-SIEB-01", "Teesieb Edelstahl", 7.50), ("TL-GESCHENK", "Geschenkbox Winterzauber", 34.90)]
woo = []
t = datetime(2024, 2, 1, 8, 30, 0)
seen = set()
wbuyers = [5, 6, 7, 15, 19, 5, 9, 8, 6, 16, 10, 7, 19, 5, 3, 15, 6, 7, 21, 5, 19, 6, 10, 16]
for k, who in enumerate(wbuyers):
    t = t + timedelta(days=R.randint(1, 5), hours=R.randint(0, 6), minutes=R.randint(0, 59), seconds=R.randint(0, 59))
    items = [(s, n, pr, R.choice([1, 1, 2])) for s, n, pr in R.sample(TEA, R.choice([1, 2, 2, 3]))]
    coupon = "FRUEHLING15" if k in (4, 10) else ""
    gross = sum(pr * q for _, _, pr, q in items)
    disc = round(gross * 0.15, 2) if coupon else 0.0
    status = "completed"
    if k == 8: status = "refunded"
    if k == 13: status = "cancelled"
    if k >= 22: status = "processing"
    woo.append({"num": 2301 + k, "who": who, "t": t, "items": items, "coupon": coupon, "gross": gross, "disc": disc,
                "ship": 0.0 if gross - disc >= 40 else 4.90, "status": status,
                "ctype": "returning" if who in seen else "new"})
    seen.add(who)

# Analytics > Orders CSV download
WA_H = ["Date", "Order #", "Status", "Customer", "Customer type", "Product(s)", "Items sold", "Coupon(s)", "Net sales", "Origin"]
rows = []
for o in woo:
    if o["status"] == "cancelled":   # excluded statuses (default: cancelled/failed/pending) are not in the report
        continue
    p = P[o["who"]]
    net = round(o["gross"] - o["disc"], 2)
    prods = ", ".join(f"{q}× {n}" for _, n, _, q in sorted(o["items"], key=lambda x: -x[3]))
    rows.append([o["t"].strftime("%Y-%m-%dT%H:%M:%S"), str(o["num"]), o["status"], f"{p[0]} {p[1]}", o["ctype"], prods,
                 str(sum(q for *_, q in o["items"])), o["coupon"], f"{net:g}" if net != int(net) else str(int(net)),
                 "Source: Google" if o["num"] % 3 == 0 else "Direct"])
    if o["status"] == "refunded":   # a refund is a second row, on the refund date, negative
        rt = o["t"] + timedelta(days=6, hours=2)
        rows.append([rt.strftime("%Y-%m-%dT%H:%M:%S"), str(o["num"]), "refunded", f"{p[0]} {p[1]}", o["ctype"], prods,
                     str(-sum(q for *_, q in o["items"])), o["coupon"], f"{-net:g}", "Direct"])
rows.sort(key=lambda r: r[0], reverse=True)   # the report lists newest first
w("woocommerce_analytics_orders.csv", WA_H, rows)

# Advanced Order Export For WooCommerce (algolplus) — default field set, one row per product, order fields repeated
AOE_H = ["Order Number", "Order Status", "Order Date", "Customer Note", "First Name (Billing)", "Last Name (Billing)",
    "Company (Billing)", "Address 1&2 (Billing)", "City (Billing)", "State Code (Billing)", "Postcode (Billing)",
    "Country Code (Billing)", "Email (Billing)", "Phone (Billing)", "First Name (Shipping)", "Last Name (Shipping)",
    "Address 1&2 (Shipping)", "City (Shipping)", "State Code (Shipping)", "Postcode (Shipping)", "Country Code (Shipping)",
    "Payment Method Title", "Cart Discount Amount", "Order Subtotal Amount", "Shipping Method Title",
    "Order Shipping Amount", "Order Refund Amount", "Order Total Amount", "Order Total Tax Amount", "SKU", "Item #",
    "Item Name", "Quantity", "Item Cost", "Coupon Code"]
rows = []
for o in woo:
    p = P[o["who"]]; i = o["who"]
    net = round(o["gross"] - o["disc"], 2); total = round(net + o["ship"], 2)
    tax = round(total - total / 1.07, 2)
    refund = total if o["status"] == "refunded" else 0.0
    for j, (sku, n, pr, q) in enumerate(o["items"]):
        rows.append([str(o["num"]), o["status"].capitalize() if False else o["status"], o["t"].strftime("%Y-%m-%d %H:%M"),
                     "Bitte ohne Rechnung im Paket." if o["num"] == 2305 else "", p[0], p[1], "", street(i), p[3], p[4],
                     p[6], p[5], p[2], p[7], p[0], p[1], street(i), p[3], p[4], p[6], p[5],
                     "PayPal" if i % 2 else "Kreditkarte (Stripe)", m(o["disc"]), m(o["gross"]),
                     "Kostenloser Versand" if not o["ship"] else "DHL Paket", m(o["ship"]), m(refund), m(total), m(tax),
                     sku, str(j + 1), n, str(q), m(pr), o["coupon"]])
w("woocommerce_order_export_plugin.csv", AOE_H, rows)

# ---------------------------------------------------------------- Square (US shop: Maple & Moss Plant Co., Portland OR, USD)
US = [("Olivia", "Hart"), ("Mason", "Reed"), ("Ava", "Brooks"), ("Ethan", "Cole"), ("Mia", "Fischer"),
      ("Noah", "Lane"), ("Chloe", "Price"), ("Liam", "Woods")]
PLANTS = [("Plants", "Monstera Deliciosa 6in", "MM-MON-6", 38.00), ("Plants", "Pothos Golden 4in", "MM-POT-4", 14.00),
          ("Plants", "Snake Plant 8in", "MM-SNK-8", 45.00), ("Pots", "Terracotta Pot 6in", "MM-TC-6", 12.00),
          ("Supplies", "Potting Mix 8qt", "MM-MIX-8", 11.50), ("Workshops", "Terrarium Workshop Seat", "MM-WS-TER", 55.00)]
def usd(x):
    return ("-$" if x < 0 else "$") + f"{abs(x):,.2f}"
SQ_T_H = ["Date", "Time", "Time Zone", "Gross Sales", "Discounts", "Service Charges", "Net Sales", "Gift Card Sales", "Tax",
    "Tip", "Partial Refunds", "Total Collected", "Source", "Card", "Card Entry Methods", "Cash", "Square Gift Card",
    "Other Tender", "Other Tender Type", "Tender Note", "Fees", "Net Total", "Transaction ID", "Payment ID", "Card Brand",
    "PAN Suffix", "Device Name", "Staff Name", "Staff ID", "Details", "Description", "Event Type", "Location",
    "Dining Option", "Customer ID", "Customer Name", "Customer Reference ID", "Device Nickname", "Third Party Fees",
    "Deposit ID", "Deposit Date", "Deposit Details", "Fee Percentage Rate", "Fee Fixed Rate", "Refund Reason",
    "Discount Name", "Transaction Status", "Cash App", "Order Reference ID", "Fulfillment Note", "Free Processing Applied",
    "Channel", "Unattributed Tips", "Table Info", "International Fee"]
SQ_I_H = ["Date", "Time", "Time Zone", "Category", "Item", "Qty", "Price Point Name", "SKU", "Modifiers Applied",
    "Gross Sales", "Discounts", "Net Sales", "Tax", "Transaction ID", "Payment ID", "Device Name", "Notes", "Details",
    "Event Type", "Location", "Dining Option", "Customer ID", "Customer Name", "Customer Reference ID", "Unit", "Count",
    "GTIN", "Itemization Type", "Commission", "Employee", "Fulfillment Note", "Channel", "Token", "Card Brand",
    "PAN Suffix"]
def sqid(n=29):
    return "".join(R.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))
trows, irows = [], []
t = datetime(2024, 3, 1, 10, 5, 0)
for k in range(26):
    t = t + timedelta(hours=R.randint(2, 30), minutes=R.randint(0, 59), seconds=R.randint(0, 59))
    if t.hour < 10 or t.hour > 18: t = t.replace(hour=R.randint(10, 17))
    items = [(c, n, s, pr, R.choice([1, 1, 2])) for c, n, s, pr in R.sample(PLANTS, R.choice([1, 1, 2, 3]))]
    gross = sum(pr * q for *_, pr, q in items)
    disc = round(gross * 0.1, 2) if k % 7 == 3 else 0.0
    net = gross - disc; tax = 0.0  # Oregon: no sales tax
    tip = 0.0
    cash = k % 5 == 4
    fee = 0.0 if cash else round(net * 0.026 + 0.15, 2)
    cust = US[k % len(US)] if k % 3 != 1 else None
    cid = ("CUST" + hashlib.md5(str(cust).encode()).hexdigest()[:22].upper()) if cust else ""
    tx, pay = sqid(), sqid()
    brand, pan = ("", "") if cash else (R.choice(["Visa", "MasterCard", "American Express"]), f"{R.randint(1000, 9999)}")
    d, tm = t.strftime("%Y-%m-%d"), t.strftime("%H:%M:%S")
    url = f"https://squareup.com/dashboard/sales/transactions/{tx}"
    desc = ", ".join(f"{n}{' x ' + str(q) if q > 1 else ''}" for _, n, _, _, q in items)
    trows.append([d, tm, "Pacific Time (US & Canada)", usd(gross), usd(-disc), usd(0), usd(net), usd(0), usd(tax), usd(tip),
                  usd(0), usd(net + tax + tip), "Point of Sale", usd(0 if cash else net), "N/A" if cash else "Tapped",
                  usd(net if cash else 0), usd(0), usd(0), "", "", usd(-fee), usd(net - fee), tx, pay, brand, pan,
                  "Counter iPad", "Rosa Vega", "TM0aB3", url, desc, "Payment", "Maple & Moss - Alberta St", "", cid,
                  f"{cust[0]} {cust[1]}" if cust else "", "", "Front counter", usd(0), "", "", "",
                  "" if cash else "2.60%", "" if cash else "$0.15", "", "Spring 10%" if disc else "", "Complete", "", "",
                  "", "", "Point of Sale", usd(0), "", usd(0)])
    for c, n, s, pr, q in items:
        idisc = round(pr * q * 0.1, 2) if disc else 0.0
        irows.append([d, tm, "Pacific Time (US & Canada)", c, n, f"{q:.1f}" if False else str(q), "Regular", s, "",
                      usd(pr * q), usd(-idisc), usd(pr * q - idisc), usd(0), tx, pay, "Counter iPad", "", url,
                      "Payment", "Maple & Moss - Alberta St", "", cid, f"{cust[0]} {cust[1]}" if cust else "", "", "", "",
                      "", "Service" if c == "Workshops" else "Physical Good", usd(0), "", "", "Point of Sale",
                      sqid(26), brand, pan])
    if k in (5, 17):   # refund of the first item a few days later: own rows, negative amounts
        c, n, s, pr, q = items[0]
        rt = t + timedelta(days=3, hours=1)
        rd, rtm = rt.strftime("%Y-%m-%d"), rt.strftime("%H:%M:%S")
        ra = round(pr * q - (round(pr * q * 0.1, 2) if disc else 0.0), 2)   # refund what was paid for the line
        trows.append([rd, rtm, "Pacific Time (US & Canada)", usd(-ra), usd(0), usd(0), usd(-ra), usd(0), usd(0), usd(0),
                      usd(0), usd(-ra), "Point of Sale", usd(0 if cash else -ra), "N/A", usd(-ra if cash else 0), usd(0),
                      usd(0), "", "", usd(0), usd(-ra), tx, sqid(), brand, pan, "Counter iPad", "Rosa Vega", "TM0aB3",
                      url, n, "Refund", "Maple & Moss - Alberta St", "", cid, f"{cust[0]} {cust[1]}" if cust else "", "",
                      "Front counter", usd(0), "", "", "", "", "", "Plant arrived damaged", "", "Complete", "", "", "", "",
                      "Point of Sale", usd(0), "", usd(0)])
        irows.append([rd, rtm, "Pacific Time (US & Canada)", c, n, str(-q), "Regular", s, "", usd(-ra), usd(0), usd(-ra),
                      usd(0), tx, sqid(), "Counter iPad", "", url, "Refund", "Maple & Moss - Alberta St", "", cid,
                      f"{cust[0]} {cust[1]}" if cust else "", "", "", "", "", "Physical Good", usd(0), "", "",
                      "Point of Sale", sqid(26), brand, pan])
trows.sort(key=lambda r: (r[0], r[1]), reverse=True); irows.sort(key=lambda r: (r[0], r[1]), reverse=True)
w("square_transactions.csv", SQ_T_H, trows)
w("square_items.csv", SQ_I_H, irows)

# ---------------------------------------------------------------- Etsy (EU seller: Studio Klei, Gent BE, EUR)
ETSY_O_H = ["Sale Date", "Order ID", "Buyer User ID", "Full Name", "First Name", "Last Name", "Number of Items",
    "Payment Method", "Date Shipped", "Street 1", "Street 2", "Ship City", "Ship State", "Ship Zipcode", "Ship Country",
    "Currency", "Order Value", "Coupon Code", "Coupon Details", "Discount Amount", "Shipping Discount", "Shipping",
    "Sales Tax", "Order Total", "Status", "Card Processing Fees", "Order Net", "Adjusted Order Total",
    "Adjusted Card Processing Fees", "Adjusted Net Order Amount", "Buyer", "Order Type", "Payment Type",
    "InPerson Discount", "InPerson Location", "SKU"]
ETSY_I_H = ["Sale Date", "Item Name", "Buyer", "Quantity", "Price", "Coupon Code", "Coupon Details", "Discount Amount",
    "Shipping Discount", "Order Shipping", "Order Sales Tax", "Item Total", "Currency", "Transaction ID", "Listing ID",
    "Date Paid", "Date Shipped", "Ship Name", "Ship Address1", "Ship Address2", "Ship City", "Ship State",
    "Ship Zipcode", "Ship Country", "Order ID", "Variations", "Order Type", "Listings Type", "Payment Type",
    "InPerson Discount", "InPerson Location", "VAT Paid by Buyer", "SKU"]
CER = [("Handgedraaide mok, speckled", 28.00, "SK-MOK-SP", 1421337001, "Kleur: Zand"),
       ("Espresso kopje set van 2", 34.00, "SK-ESP-2", 1421337002, ""),
       ("Ontbijtbord 22 cm", 24.50, "SK-BORD-22", 1421337003, "Glazuur: Mintgroen"),
       ("Kleine vaas, matte glazuur", 39.00, "SK-VAAS-S", 1421337004, "Glazuur: Wit"),
       ("Zeepschaaltje", 12.00, "SK-ZEEP", 1421337005, "")]
orows, irows = [], []
t = datetime(2024, 1, 10)
ebuyers = [9, 16, 8, 10, 2, 20, 9, 12, 21, 5, 16, 13, 18, 9, 17, 10, 3, 21, 8, 19, 16, 12]
for k, who in enumerate(ebuyers):
    t = t + timedelta(days=R.randint(2, 9))
    p = P[who]
    its = [(n, pr, sku, lid, var, R.choice([1, 1, 2])) for n, pr, sku, lid, var in R.sample(CER, R.choice([1, 1, 2]))]
    oid = 3190000000 + k * 7777
    value = sum(pr * q for _, pr, _, _, _, q in its)
    coupon = "DANKJEWEL10" if k in (3, 9) else ""
    disc = round(value * 0.1, 2) if coupon else 0.0
    ship = 6.50 if p[5] == "BE" else 9.90
    vat = 0.0  # VAT collected by Etsy for EU buyers is not in Sales Tax for EU sellers
    total = round(value - disc + ship, 2)
    fees = round(total * 0.04 + 0.30, 2)
    shipped = (t + timedelta(days=2)).strftime("%m/%d/%y") if k < len(ebuyers) - 2 else ""
    adj_total = adj_fee = adj_net = "0"
    status = "Completed" if shipped else ""
    if k == 5:   # partial refund
        adj_total = m(total - its[0][1]); adj_fee = m(round((total - its[0][1]) * 0.04 + 0.30, 2))
        adj_net = m(float(adj_total) - float(adj_fee))
    if k == 10:  # order canceled and fully refunded
        status = "Canceled"; adj_total = "0.00"; adj_fee = "0.00"; adj_net = "0.00"; shipped = ""
    handle = (p[0] + p[1]).lower().replace(" ", "")[:10] + str(10 + who)
    orows.append([t.strftime("%m/%d/%y"), str(oid), str(880000000 + who * 31), f"{p[0]} {p[1]}", p[0], p[1],
                  str(sum(q for *_, q in its)), "Etsy Payments", shipped, street(who), "", p[3], "", p[6], COUNTRY[p[5]],
                  "EUR", m(value), coupon, "10% off" if coupon else "", m(disc), "0.00", m(ship), m(vat), m(total), status,
                  m(fees), m(total - fees), adj_total, adj_fee, adj_net, handle, "online", "online_cc", "", "",
                  ",".join(s for _, _, s, _, _, _ in its)])
    for n, pr, sku, lid, var, q in its:
        irows.append([t.strftime("%m/%d/%y"), n, handle, str(q), m(pr), coupon, "10% off" if coupon else "",
                      m(round(pr * q * 0.1, 2)) if coupon else "0", "0", m(ship), m(vat), m(pr * q), "EUR",
                      str(4100000000 + R.randint(0, 99999999)), str(lid), t.strftime("%m/%d/%y"), shipped,
                      f"{p[0]} {p[1]}", street(who), "", p[3], "", p[6], COUNTRY[p[5]], str(oid), var, "online",
                      "listing", "online_cc", "", "", "", sku])
orows.reverse(); irows.reverse()
w("etsy_sold_orders.csv", ETSY_O_H, orows)
w("etsy_sold_order_items.csv", ETSY_I_H, irows)

# ---------------------------------------------------------------- Stripe unified payments (Kleine Rösterei coffee subscription)
ST_H = ["id", "Created date (UTC)", "Amount", "Amount Refunded", "Currency", "Captured", "Converted Amount",
    "Converted Amount Refunded", "Converted Currency", "Decline Reason", "Description", "Fee", "Is Link",
    "Link Funding", "Mode", "PaymentIntent ID", "Payment Source Type", "Refunded date (UTC)", "Statement Descriptor",
    "Status", "Seller Message", "Taxes On Fee", "Card ID", "Card Name", "Card Brand", "Card Funding", "Card Last4",
    "Customer ID", "Customer Description", "Customer Email", "Invoice ID", "Transfer"]
rows = []
t = datetime(2024, 1, 2, 7, 0, 0)
subs = [0, 2, 4, 12, 13, 14, 17]
for mo in range(4):
    for s in subs:
        p = P[s]
        ts = t + timedelta(days=30 * mo, hours=s, minutes=R.randint(0, 59), seconds=R.randint(0, 59))
        amt = 24.90 if s % 2 == 0 else 39.90
        status, dec, refd, rdate, msg = "Paid", "", 0.0, "", "Payment complete."
        if mo == 2 and s == 13:
            status, dec, msg = "Failed", "insufficient_funds", "The bank returned the decline code `insufficient_funds`."
        if mo == 1 and s == 4:
            status, refd, rdate = "Refunded", amt, (ts + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
        if mo == 3 and s == 2:
            refd, rdate = 10.00, (ts + timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S")
        fee = 0.0 if status == "Failed" else round(amt * 0.015 + 0.25, 2)
        cus = "cus_" + hashlib.sha1(p[2].encode()).hexdigest()[:14]
        brand = ["Visa", "MasterCard", "Visa"][s % 3]
        rows.append(["ch_3" + sqid(23), ts.strftime("%Y-%m-%d %H:%M:%S"), m(amt), m(refd), "eur",
                     "false" if status == "Failed" else "true", m(amt), m(refd), "eur", dec,
                     f"Koffieabonnement {'Duo' if amt > 30 else 'Solo'} – {ts.strftime('%B %Y')}", m(fee), "false", "",
                     "Live", "pi_3" + sqid(23), "card", rdate, "KLEINEROESTERI", status, msg, "0.00", "card_1" + sqid(23),
                     f"{p[0]} {p[1]}", brand, "credit" if s % 2 else "debit", f"{R.randint(1000, 9999)}", cus,
                     f"{p[0]} {p[1]}", p[2], "in_1" + sqid(23), ""])
rows.sort(key=lambda r: r[1], reverse=True)
w("stripe_unified_payments.csv", ST_H, rows)

# ---------------------------------------------------------------- Lightspeed Retail X-Series (Vend) sales history (UK gift shop, GBP)
VH = ["Date", "Receipt Number", "Line Type", "Customer Code", "Customer Name", "Note", "Quantity", "Subtotal",
      "Sales Tax", "Discount", "Loyalty", "Total", "Paid", "Details", "Register", "User", "Status", "Sku",
      "AccountCodeSale", "AccountCodePurchase"]
GIFTS = [("Beeswax Candle Tall", "BWC-T", 14.00), ("Linen Tea Towel", "LTT-01", 12.50), ("Ceramic Bud Vase", "CBV-02", 22.00),
         ("Greeting Card Robin", "GC-ROB", 3.50), ("Wool Throw Heather", "WTH-01", 68.00)]
UKC = [("C-0012", "Harriet Wells"), ("C-0027", "Oliver Grant"), ("C-0031", "Priya Shah"), ("C-0044", "Tom Byrne")]
rows = []
t = datetime(2024, 4, 2, 9, 40, 11)
for k in range(14):
    t = t + timedelta(hours=R.randint(3, 40), minutes=R.randint(0, 59), seconds=R.randint(0, 59))
    if t.hour < 9 or t.hour > 17: t = t.replace(hour=R.randint(9, 16))
    its = [(n, s, pr, R.choice([1, 1, 2])) for n, s, pr in R.sample(GIFTS, R.choice([1, 2, 2, 3]))]
    ret = k == 9
    if ret: its = [(its[0][0], its[0][1], its[0][2], -1)]
    sub_incl = sum(pr * q for _, _, pr, q in its)
    sub = round(sub_incl / 1.2, 2); tax = round(sub_incl - sub, 2)
    cc, cn = UKC[k % 4] if k % 3 != 2 else ("WALKIN", "")
    status = "CLOSED" if k != 12 else "VOIDED"
    d = t.strftime("%Y-%m-%d %H:%M:%S"); rn = str(1201 + k)
    rows.append([d, rn, "Sale", cc, cn, "Gift wrapped" if k == 4 else "", str(sum(q for *_, q in its)), m(sub), m(tax),
                 "0.00", "0.00", m(sub_incl), m(sub_incl if status == "CLOSED" else 0), "", "Main Register", "Eleanor",
                 status, "", "", ""])
    for n, s, pr, q in its:
        ls = round(pr * q / 1.2, 2)
        rows.append([d, rn, "Sale Line", "", "", "", str(q), m(ls), m(round(pr * q - ls, 2)), "0.00", "0.00",
                     m(pr * q), "", n, "", "", "", s, "200", "300"])
    if status == "CLOSED":
        rows.append([d, rn, "Payment", "", "", "", "", "", "", "", "", "", m(sub_incl),
                     "Cash" if k % 4 == 1 else "Credit Card", "", "", "", "", "", ""])
w("lightspeed_vend_sales_history.csv", VH, rows)

# ---------------------------------------------------------------- Mailchimp audience export (zip of 3 CSVs)
MC_BASE = ["Email Address", "First Name", "Last Name", "Address", "Phone Number", "Birthday", "MEMBER_RATING",
           "OPTIN_TIME", "OPTIN_IP", "CONFIRM_TIME", "CONFIRM_IP", "LATITUDE", "LONGITUDE", "GMTOFF", "DSTOFF",
           "TIMEZONE", "CC", "REGION", "LAST_CHANGED", "LEID", "EUID", "NOTES", "TAGS"]
def mc_row(i, p, base_t):
    opt = base_t + timedelta(days=i * 3, hours=i, minutes=i * 7)
    conf = opt + timedelta(minutes=2, seconds=14)
    tz = {"NL": ("Europe/Amsterdam", "52.0907000", "5.1214000"), "DE": ("Europe/Berlin", "50.9375000", "6.9603000"),
          "BE": ("Europe/Brussels", "51.0543000", "3.7174000"), "FR": ("Europe/Paris", "50.6292000", "3.0573000")}[p[5]]
    addr = f"{street(i)}  {p[3]}  {p[4]}  {p[6]}  {p[5]}"   # Mailchimp joins address parts with two spaces
    tags = '"Klant","Nieuwsbrief"' if i % 2 == 0 else '"Nieuwsbrief"'
    return [p[2], p[0], p[1], addr, p[7] if i % 3 == 0 else "", f"{(i % 12) + 1:02d}/{(i * 3 % 28) + 1:02d}" if i % 4 == 0 else "",
            str([2, 3, 4, 5, 1][i % 5]), opt.strftime("%Y-%m-%d %H:%M:%S"), f"145.{i}.{i * 3}.{20 + i}",
            conf.strftime("%Y-%m-%d %H:%M:%S"), f"145.{i}.{i * 3}.{20 + i}", tz[1], tz[2], "1", "2", tz[0], p[5], p[4],
            (conf + timedelta(days=40 + i)).strftime("%Y-%m-%d %H:%M:%S"), str(118000000 + i * 41),
            hashlib.md5(p[2].encode()).hexdigest()[:10], "", tags]
mbt = datetime(2023, 9, 1, 8, 15, 0)
sub_idx = [0, 1, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 16, 18, 20]
w("mailchimp_subscribed_members_export.csv", MC_BASE, [mc_row(i, P[i], mbt) for i in sub_idx])
uns = []
for j, i in enumerate([2, 8, 15, 17, 21, 19]):
    r = mc_row(i, P[i], mbt)
    ut = mbt + timedelta(days=120 + j * 9, hours=j)
    uns.append(r + [ut.strftime("%Y-%m-%d %H:%M:%S"), "Voorjaarsactie 2024", f"a1b2c3d4{j:02d}",
                    ["NORMAL", "NOSIGNUP", "INAPPROPRIATE", "SPAM", "OTHER", "NORMAL"][j], "Te veel mails" if j == 4 else ""])
w("mailchimp_unsubscribed_members_export.csv",
  MC_BASE + ["UNSUB_TIME", "UNSUB_CAMPAIGN_TITLE", "UNSUB_CAMPAIGN_ID", "UNSUB_REASON", "UNSUB_REASON_OTHER"], uns)
cln = []
bounced = [("jan.oud@example.invalid", "Jan", "Oud", "NL"), ("greta.k@example.invalid", "Greta", "Krause", "DE"),
           ("typo.anouk@exmaple.com", "Anouk", "V", "NL")]
for j, (em, fn, ln, cc) in enumerate(bounced):
    p = (fn, ln, em, "Utrecht", "UT", cc, "3511 AB", "")
    r = mc_row(30 + j, p, mbt)
    ct = mbt + timedelta(days=90 + j * 20)
    cln.append(r + [ct.strftime("%Y-%m-%d %H:%M:%S"), "Nieuwsbrief januari", f"c9d8e7f6{j:02d}"])
w("mailchimp_cleaned_members_export.csv", MC_BASE + ["CLEAN_TIME", "CLEAN_CAMPAIGN_TITLE", "CLEAN_CAMPAIGN_ID"], cln)

# ---------------------------------------------------------------- Klaviyo profiles (segment export)
KL_H = ["Email", "Phone Number", "First Name", "Last Name", "Organization", "Title", "Address", "Address 2", "City",
        "State / Region", "Country", "Zip Code", "Source", "Date Added", "Last Open", "Last Click",
        "Email Marketing Consent", "Email Marketing Consent Timestamp", "SMS Marketing Consent",
        "SMS Marketing Consent Timestamp", "Initial Source", "Klaviyo ID"]
rows = []
kt = datetime(2023, 10, 3, 9, 0, 0, tzinfo=timezone.utc)
for i, p in enumerate(P):
    added = kt + timedelta(days=i * 5, hours=i, minutes=i * 11, seconds=i)
    ec = ["SUBSCRIBED", "SUBSCRIBED", "NEVER_SUBSCRIBED", "UNSUBSCRIBED", "SUBSCRIBED"][i % 5]
    sc = "SUBSCRIBED" if i % 4 == 0 else ("NEVER_SUBSCRIBED" if i % 4 != 3 else "UNSUBSCRIBED")
    ect = "" if ec == "NEVER_SUBSCRIBED" else (added + timedelta(minutes=1)).isoformat()
    sct = "" if sc == "NEVER_SUBSCRIBED" else (added + timedelta(days=2)).isoformat()
    rows.append([p[2], p[7] if i % 2 == 0 else "", p[0], p[1], "Koffiebar De Hoek" if i == 11 else "", "",
                 street(i), "", p[3], PROVINCE[p[4]], COUNTRY[p[5]], p[6],
                 ["Shopify", "Popup Form: Welkom 10%", "Shopify", "Manual Import"][i % 4], added.isoformat(),
                 (added + timedelta(days=30)).isoformat() if ec == "SUBSCRIBED" else "",
                 (added + timedelta(days=31)).isoformat() if ec == "SUBSCRIBED" and i % 2 else "",
                 ec, ect, sc, sct, ["Shopify", "Klaviyo Form", "Shopify", "List Import"][i % 4],
                 "01H" + hashlib.sha1(p[2].encode()).hexdigest()[:23].upper()])
w("klaviyo_profiles.csv", KL_H, rows)

# ---------------------------------------------------------------- GA4 BigQuery export, flattened to CSV
GA_H = ["event_date", "event_timestamp", "event_name", "user_pseudo_id", "user_id", "ga_session_id",
        "ga_session_number", "page_location", "page_title", "page_referrer", "traffic_source_source",
        "traffic_source_medium", "device_category", "geo_country", "transaction_id", "purchase_revenue",
        "currency", "items"]
rows = []
sessions = [(0, "1012"), (2, None), (None, None), (4, "1016"), (5, None), (None, None), (12, None), (1, "1011"),
            (None, None), (13, None)]
base = datetime(2024, 3, 2, 9, 0, 0, tzinfo=timezone.utc)
for s, (who, order) in enumerate(sessions):
    st = base + timedelta(days=s * 2, hours=s * 3 % 11, minutes=s * 7)
    sid = int(st.timestamp())
    pseudo = f"{R.randint(10**8, 10**9 - 1)}.{int((st - timedelta(days=40)).timestamp())}"
    uid = str(7401000000000 + who * 7919) if who is not None and s % 2 == 0 else ""
    src, med = [("google", "organic"), ("(direct)", "(none)"), ("newsletter", "email"), ("instagram", "social")][s % 4]
    dev = ["mobile", "desktop", "mobile", "tablet"][s % 4]
    ctry = COUNTRY[P[who][5]] if who is not None else "Netherlands"
    prod = PROD[s % len(PROD)]
    item = [{"item_id": prod[0], "item_name": prod[1], "price": prod[2], "quantity": 1, "item_category": prod[3]}]
    evs = [("session_start", "/", "Kleine Rösterei"), ("page_view", "/", "Kleine Rösterei"),
           ("view_item", f"/products/{prod[0].lower()}", prod[1]), ("add_to_cart", f"/products/{prod[0].lower()}", prod[1])]
    if order:
        evs += [("begin_checkout", "/checkouts/cn/abc", "Checkout"), ("purchase", f"/checkouts/cn/abc/thank_you", "Bedankt")]
    else:
        evs += [("page_view", "/collections/koffie", "Koffie")]
    tt = st
    for e, path, title in evs:
        tt = tt + timedelta(seconds=R.randint(3, 90), microseconds=R.randint(0, 999999))
        us = int(tt.timestamp()) * 1_000_000 + tt.microsecond
        rev = ""
        if e == "purchase":
            rev = f"{prod[2] + 4.95:.2f}"
        rows.append([tt.strftime("%Y%m%d"), str(us), e, pseudo, uid, str(sid), str(1 + s % 3),
                     "https://www.kleineroesterei.example" + path, title,
                     "https://www.google.com/" if (e == "session_start" and src == "google") else "", src, med, dev, ctry,
                     (order or "") if e == "purchase" else "", rev, "EUR" if e in ("view_item", "add_to_cart", "begin_checkout", "purchase") else "",
                     json.dumps(item, ensure_ascii=False) if e in ("view_item", "add_to_cart", "begin_checkout", "purchase") else "[]"])
w("ga4_bigquery_events_flat.csv", GA_H, rows)

# ---------------------------------------------------------------- Matomo Visits Log (Live.getLastVisitsDetails, format=CSV)
MA_ACT = ["type", "url", "pageTitle", "timestamp", "timeSpent", "revenue", "orderId", "itemsCount"]
MA_H = ["idSite", "idVisit", "visitIp", "visitorId", "fingerprint"]
for a in range(4):
    MA_H += [f"{c} (actionDetails {a})" for c in MA_ACT]
MA_H += ["goalConversions", "siteCurrency", "siteCurrencySymbol", "serverDate", "visitServerHour", "lastActionTimestamp",
         "lastActionDateTime", "siteName", "serverTimestamp", "firstActionTimestamp", "serverTimePretty",
         "serverDatePretty", "userId", "visitorType", "visitConverted", "visitCount", "visitEcommerceStatus",
         "daysSinceFirstVisit", "visitDuration", "visitDurationPretty", "actions", "referrerType", "referrerName",
         "referrerKeyword", "referrerUrl", "deviceType", "deviceBrand", "operatingSystem", "browserName", "country",
         "countryCode", "region", "city", "totalEcommerceRevenue", "totalEcommerceConversions", "totalEcommerceItems"]
rows = []
base = datetime(2024, 4, 3, 8, 0, 0, tzinfo=timezone.utc)
for v in range(20):
    st = base + timedelta(hours=v * 7 + R.randint(0, 5), minutes=R.randint(0, 59), seconds=R.randint(0, 59))
    who = [0, None, 2, None, 5, 12, None, 1, None, 13, 4, None, 20, None, 3, None, 6, 14, None, 9][v]
    vid = hashlib.md5(f"v{who if who is not None else 'anon' + str(v)}".encode()).hexdigest()[:16]
    n_act = R.choice([1, 2, 3, 4])
    buys = v in (4, 10, 17)
    if buys: n_act = 4
    acts, tt = [], st
    for a in range(4):
        if a >= n_act:
            acts += [""] * len(MA_ACT); continue
        prod = PROD[(v + a) % len(PROD)]
        if buys and a == 3:
            acts += ["ecommerceOrder", "", "", str(int(tt.timestamp())), "", m(prod[2] + 4.95), str(1030 + v), "1"]
        else:
            url = "https://www.kleineroesterei.example/" if a == 0 else f"https://www.kleineroesterei.example/products/{prod[0].lower()}"
            acts += ["action", url, "Kleine Rösterei" if a == 0 else prod[1], str(int(tt.timestamp())),
                     str(R.randint(5, 120)), "", "", ""]
        tt += timedelta(seconds=R.randint(10, 140))
    ref = [("search", "Google", "Keyword not defined", "https://www.google.com/"), ("direct", "", "", ""),
           ("campaign", "nieuwsbrief-maart", "", ""), ("website", "instagram.com", "", "https://l.instagram.com/")][v % 4]
    dur = int((tt - st).total_seconds())
    rows.append(["1", str(48000 + v), f"145.{v}.0.0", vid, hashlib.md5(vid.encode()).hexdigest()[:16]] + acts +
                ["1" if buys else "0", "EUR", "€", st.strftime("%Y-%m-%d"), str(st.hour), str(int(tt.timestamp())),
                 tt.strftime("%Y-%m-%d %H:%M:%S"), "Kleine Rösterei", str(int(st.timestamp())), str(int(st.timestamp())),
                 st.strftime("%H:%M:%S"), st.strftime("%A, %B %-d, %Y"),
                 P[who][2] if (who is not None and v % 2 == 0) else "", "returning" if who is not None else "new",
                 "1" if buys else "0", str(R.randint(2, 9) if who is not None else 1),
                 "ordered" if buys else "none", str(R.randint(10, 200) if who is not None else 0), str(dur),
                 f"{dur // 60} min {dur % 60}s", str(n_act), ref[0], ref[1], ref[2], ref[3],
                 ["Smartphone", "Desktop", "Tablet"][v % 3], ["Apple", "", "Samsung"][v % 3],
                 ["iOS 17.4", "Windows 11", "Android 14"][v % 3], ["Mobile Safari", "Chrome", "Chrome Mobile"][v % 3],
                 COUNTRY[P[who][5]] if who is not None else "Netherlands", (P[who][5] if who is not None else "NL").lower(),
                 "Utrecht", P[who][3] if who is not None else "Utrecht", m(PROD[(v + 3) % 7][2] + 4.95) if buys else "0.00",
                 "1" if buys else "0", "1" if buys else "0"])
w("matomo_visits_log.csv", MA_H, rows)

# ---------------------------------------------------------------- Typeform NPS responses (Download all responses -> CSV)
Q1 = "Hoe waarschijnlijk is het dat je Kleine Rösterei aanbeveelt aan een vriend of collega?"
Q2 = "Wat is de belangrijkste reden voor je score?"
Q3 = "Wat is je e-mailadres?"
TF_H = ["#", Q1, Q2, Q3, "Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID",
        "order_id", "Tags"]
REASONS = {10: ["Heerlijke bonen en supersnelle levering.", "Altijd vers gebrand, top service!"],
           9: ["Goede koffie, verzending kan iets goedkoper.", "Mooie verpakking en lekkere espresso."],
           8: ["Prima, maar de filterkoffie was wat zuur.", "Goed, levering duurde 3 dagen."],
           7: ["Oké, maar de molen was duur.", ""], 6: ["Pakket kwam beschadigd aan.", "Te lang gewacht op antwoord van de klantenservice."],
           3: ["Bestelling geannuleerd zonder uitleg.", ""], 0: ["Nooit ontvangen.", ""]}
rows = []
tfb = datetime(2024, 2, 1, 10, 0, 0)
for k in range(28):
    o = shop_orders[k % len(shop_orders)]
    who = o["who"]
    sc = [10, 9, 9, 10, 8, 7, 9, 10, 6, 10, 9, 3, 8, 10, 9, 7, 10, 0, 9, 8, 10, 9, 6, 10, 9, 8, 10, 9][k]
    startt = tfb + timedelta(days=k * 2, hours=k % 7, minutes=k * 3, seconds=k)
    partial = k in (13, 24)
    rows.append(["".join(R.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32)),
                 str(sc), "" if partial else R.choice(REASONS[sc]),
                 "" if (partial or who is None) else P[who][2], "partial" if partial else "completed",
                 startt.strftime("%Y-%m-%d %H:%M:%S"), (startt + timedelta(seconds=20)).strftime("%Y-%m-%d %H:%M:%S") if partial else "",
                 "" if partial else (startt + timedelta(minutes=1, seconds=k * 2)).strftime("%Y-%m-%d %H:%M:%S"),
                 hashlib.md5(str(k).encode()).hexdigest()[:10], o["name"].lstrip("#"), "nps-2024q1" if k < 20 else "nps-2024q2"])
w("typeform_nps_responses.csv", TF_H, rows)

# ---------------------------------------------------------------- SurveyMonkey NPS (two-row header, and the single-header re-save)
NPSQ = "How likely is it that you would recommend Maple & Moss Plant Co. to a friend or colleague?"
OPENQ = "What is the primary reason for your score?"
SM_H = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address", "First Name",
        "Last Name", "Custom Data 1", NPSQ, OPENQ]
SM_H2 = ["", "", "", "", "", "", "", "", "", "Response", "Open-Ended Response"]
rows = []
smb = datetime(2024, 3, 11, 9, 0, 0)
USR = ["Loved the workshop, staff were so helpful.", "Great plants, a bit pricey.", "Plant arrived damaged but they refunded quickly.",
       "Best plant shop in Portland!", "Parking is hard.", "Healthy plants, cute pots.", "", "Slow checkout on Saturday."]
for k in range(24):
    c = US[k % len(US)]
    s = datetime.strftime(smb + timedelta(days=k, hours=k % 9, minutes=k * 5), "%m/%d/%Y %I:%M:%S %p")
    e = datetime.strftime(smb + timedelta(days=k, hours=k % 9, minutes=k * 5 + 2, seconds=17), "%m/%d/%Y %I:%M:%S %p")
    sc = [10, 9, 6, 10, 7, 9, 8, 5, 10, 10, 9, 4, 10, 8, 9, 10, 7, 9, 10, 2, 9, 10, 8, 9][k]
    rows.append([str(114900000000 + k * 1234), "432101234", s, e, f"73.{k}.12.{100 + k}",
                 f"{c[0].lower()}.{c[1].lower()}@example.com" if k % 4 != 3 else "", c[0] if k % 4 != 3 else "",
                 c[1] if k % 4 != 3 else "", "", str(sc), USR[k % len(USR)]])
w("surveymonkey_nps_tworow_header.csv", SM_H, rows, pre=None)
# rewrite with the second header row inserted right after the first
txt = (OUT / "surveymonkey_nps_tworow_header.csv").read_text(encoding="utf-8").split("\n", 1)
buf = io.StringIO(); csv.writer(buf, lineterminator="\n").writerow(SM_H2)
(OUT / "surveymonkey_nps_tworow_header.csv").write_text(txt[0] + "\n" + buf.getvalue() + txt[1], encoding="utf-8")
w("surveymonkey_nps_single_header.csv", SM_H, rows)

# ---------------------------------------------------------------- Trustpilot reviews (Business > Service reviews > Download)
TP_H = ["Review Created Date (UTC)", "Review ID", "Review Title", "Review Content", "Review Stars", "Source Of Review",
        "Review Language", "Domain URL", "Webshop Name", "Business Unit ID", "Tags", "Company Reply Date (UTC)",
        "Reply Content", "Reference Id", "Reviewer Name", "Email", "Location Name", "Location ID"]
TITLES = {5: ("Topkoffie!", "De espresso blend is fantastisch, volgende dag al in huis."),
          4: ("Goed, kleine minpuntjes", "Lekkere koffie, maar de verzendkosten mogen lager."),
          3: ("Redelijk", "Koffie prima, verpakking was open gescheurd."),
          2: ("Lang wachten", "Het duurde een week voor mijn bestelling verstuurd werd."),
          1: ("Geannuleerd zonder bericht", "Mijn bestelling werd geannuleerd en ik kreeg geen mail. Jammer.")}
rows = []
tpb = datetime(2024, 1, 20, 8, 0, 0)
for k in range(22):
    o = shop_orders[(k * 3) % len(shop_orders)]
    who = o["who"]
    st_ = [5, 5, 4, 5, 3, 5, 4, 2, 5, 5, 1, 4, 5, 5, 3, 5, 4, 5, 5, 2, 5, 4][k]
    ct = tpb + timedelta(days=k * 4, hours=k % 10, minutes=k * 7, seconds=k * 3)
    title, body = TITLES[st_]
    src = ["AFSv2", "Organic", "BasicLink", "AFSv2"][k % 4]
    rep = st_ <= 3
    rows.append([ct.strftime("%Y-%m-%d %H:%M:%S"), hashlib.md5(f"tp{k}".encode()).hexdigest()[:24], title, body, str(st_),
                 src, "nl", "www.kleineroesterei.example", "Kleine Rösterei", "64f1c2e5a9b8d7001e2f3a4b", "",
                 (ct + timedelta(days=1, hours=2)).strftime("%Y-%m-%d %H:%M:%S") if rep else "",
                 "Wat vervelend! We hebben je een mail gestuurd om het op te lossen. – Team Kleine Rösterei" if rep else "",
                 o["name"].lstrip("#") if src != "Organic" else "",
                 f"{P[who][0]} {P[who][1][0]}." if who is not None else "Klant",
                 P[who][2] if (who is not None and src != "Organic") else "", "", ""])
rows.reverse()
w("trustpilot_reviews.csv", TP_H, rows)
print("written:", sorted(p.name for p in OUT.glob("*.csv")))
