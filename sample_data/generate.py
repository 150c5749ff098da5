"""Generate the bundled sample shop: "Gartenhaus & Co", a fictional home & garden shop selling in EUR.

    .venv/bin/python sample_data/generate.py            # rewrites the four CSVs beside this file

Seeded and deterministic: the same seed writes byte-identical files. Dates are fixed (orders from
2024-11-01 to 2026-10-31), never relative to today. The planted stories and their parameters are listed in
README.md beside this file; the constants below are those parameters.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np
import phonenumbers

SEED = 20241101
START = dt.date(2024, 11, 1)
END = dt.date(2026, 10, 31)
DAYS = (END - START).days + 1
N_CUSTOMERS = 3000            # customers who order
N_CRM_ONLY = 300              # in the CRM, never ordered
N_DUPLICATES = 40             # people entered twice in the CRM
GUEST_ORDER_SHARE = 0.03

CHANNELS = ["Organic Search", "Paid Social", "Email", "Referral", "Marketplace"]
CHANNEL_SHARE = [0.30, 0.25, 0.15, 0.12, 0.18]
# story 1: Referral customers buy more often, spend more and stay longer than Paid Social customers
CHANNEL_RATE = {"Organic Search": 4.0, "Paid Social": 2.8, "Email": 4.2, "Referral": 5.8, "Marketplace": 3.4}
CHANNEL_BASKET = {"Organic Search": 1.0, "Paid Social": 0.85, "Email": 1.0, "Referral": 1.3, "Marketplace": 0.95}
CHANNEL_DROPOUT = {"Organic Search": 0.22, "Paid Social": 0.32, "Email": 0.2, "Referral": 0.12, "Marketplace": 0.28}
# story 2: a late delivery makes the customer far more likely to stop buying
LATE_SHARE = 0.12
LATE_EXTRA_DROPOUT = 0.45
# story 3: Garden Tools sold out in July 2025
STOCKOUT_CATEGORY = "Garden Tools"
STOCKOUT_MONTH = (2025, 7)

COUNTRIES = {"DE": ("Germany", 0.60, ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Freiburg"]),
             "AT": ("Austria", 0.12, ["Wien", "Graz", "Linz", "Salzburg"]),
             "NL": ("Netherlands", 0.10, ["Amsterdam", "Utrecht", "Rotterdam", "Groningen"]),
             "FR": ("France", 0.10, ["Paris", "Lyon", "Strasbourg", "Lille"]),
             "BE": ("Belgium", 0.08, ["Brussel", "Antwerpen", "Gent", "Liège"])}
FIRST = ["Anna", "Lukas", "Mia", "Jonas", "Emma", "Felix", "Lea", "Paul", "Sophie", "Noah", "Clara", "Elias",
         "Marie", "Ben", "Lina", "Finn", "Julia", "Tim", "Sarah", "Max", "Eva", "Daan", "Sanne", "Lucas", "Chloé",
         "Louis", "Camille", "Hugo", "Léa", "Jan", "Ines", "Milan", "Zoë", "Nora", "Ole", "Greta"]
LAST = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann", "Koch",
        "de Vries", "Jansen", "Bakker", "Visser", "Martin", "Bernard", "Dubois", "Leroy", "Peeters", "Maes",
        "Gruber", "Huber", "Bauer", "Wolf", "Schäfer", "Richter", "Klein", "Neumann", "Braun", "Zimmermann"]
CATEGORIES = {
    "Garden Tools": [("Pruning shears", 24.9), ("Garden spade", 39.0), ("Hand trowel", 12.5), ("Rake", 29.0),
                     ("Hedge trimmer", 89.0), ("Watering can 10 l", 19.9), ("Hose reel", 54.0),
                     ("Garden gloves", 9.9), ("Loppers", 34.5), ("Leaf blower", 119.0)],
    "Plants & Seeds": [("Tomato seeds", 3.5), ("Herb starter kit", 14.9), ("Lavender plant", 8.9),
                       ("Olive tree", 79.0), ("Bulb mix", 11.9), ("Strawberry plants (6)", 12.5),
                       ("Bonsai", 39.9), ("Succulent trio", 16.9), ("Wildflower seeds", 5.9), ("Rose bush", 19.9)],
    "Outdoor Living": [("Garden chair", 69.0), ("Parasol", 99.0), ("Fire bowl", 129.0), ("Lantern", 24.9),
                       ("Outdoor cushion", 29.9), ("Bistro table", 149.0), ("Hammock", 59.0),
                       ("Solar lights (4)", 22.9), ("Bird feeder", 17.5), ("Planter box", 44.0)],
    "Kitchen": [("Ceramic mug", 9.9), ("Chef's knife", 49.0), ("Cutting board", 24.0), ("Tea towel set", 12.9),
                ("Cast iron pan", 59.0), ("Spice rack", 29.9), ("Salad bowl", 27.5), ("Coffee grinder", 45.0),
                ("Glass jars (6)", 18.9), ("Apron", 19.5)],
    "Home Decor": [("Cushion cover", 19.9), ("Vase", 34.0), ("Candle set", 16.5), ("Wall clock", 39.0),
                   ("Throw blanket", 49.0), ("Picture frame", 14.9), ("Table lamp", 69.0), ("Doormat", 24.9),
                   ("Basket", 22.0), ("Mirror", 79.0)],
    "Textiles": [("Linen napkins (4)", 19.9), ("Bath towel", 24.9), ("Bed sheet", 44.0), ("Curtain", 39.9),
                 ("Table runner", 17.9), ("Rug", 89.0), ("Duvet cover", 59.0), ("Pillow", 29.0),
                 ("Beach towel", 27.0), ("Oven gloves", 11.9)],
}
LATE_COMMENTS = ["Arrived a week late.", "Still waiting for my parcel, very disappointed.",
                 "Delivery was late and nobody told me.", "The product is fine but the delivery took forever.",
                 "Late delivery, missed the weekend I needed it for.", "Parcel came days after the promised date.",
                 "Shipping was slow and tracking never updated."]
GOOD_COMMENTS = ["Great quality, fast delivery.", "Lovely products, will order again.", "Exactly as described.",
                 "Beautiful packaging and quick shipping.", "Very happy with my order.", "Good value for money.",
                 "Friendly service when I had a question.", "My garden looks amazing now!", ""]
MEH_COMMENTS = ["Okay, but a bit pricey.", "Colour slightly different from the photo.", "Fine.",
                "Average quality.", "Website was a bit confusing at checkout.", ""]
HOUR_WEIGHTS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 5, 6, 7, 6, 5, 5, 5, 6, 7, 9, 10, 9, 6, 3], float)
WEEKDAY_WEIGHTS = np.array([1.2, 1.0, 1.0, 1.0, 0.9, 0.7, 1.3])  # Mon..Sun: Sunday evening shoppers


def _day_weight(day_index: np.ndarray) -> np.ndarray:
    dates = [START + dt.timedelta(days=int(d)) for d in day_index]
    season = np.array([1.6 if d.month in (11, 12) else 1.25 if d.month in (4, 5) else 1.0 for d in dates])
    growth = 0.7 + 0.6 * day_index / DAYS
    weekday = WEEKDAY_WEIGHTS[[d.weekday() for d in dates]]
    return season * growth * weekday


def _phone(rng, region: str, style: int) -> str:
    base = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    digits = str(base.national_number)
    for _ in range(20):
        tail = "".join(str(d) for d in rng.integers(0, 10, size=6))
        number = phonenumbers.parse(f"+{base.country_code}{digits[:-6]}{tail}", None)
        if phonenumbers.is_valid_number(number):
            break
    fmt = [phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
           phonenumbers.PhoneNumberFormat.E164][style % 3]
    return phonenumbers.format_number(number, fmt)


def generate(out_dir: Path | str, seed: int = SEED) -> dict[str, int]:
    """Write orders.csv, customers.csv, web_events.csv and feedback.csv into ``out_dir``; return row counts."""
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    regions = list(COUNTRIES)
    region_p = np.array([COUNTRIES[r][1] for r in regions])
    catalog = [(f"{cat[:2].upper()}-{i + 101:03d}", name, cat, price)
               for cat, items in CATEGORIES.items() for i, (name, price) in enumerate(items)]
    # repeat the catalogue with variants to reach ~120 products
    catalog += [(f"{sku}-L", f"{name} (large)", cat, round(price * 1.6, 1)) for sku, name, cat, price in catalog]
    product_pop = rng.dirichlet(np.full(len(catalog), 0.6))
    product_pop *= np.array([2.5 if c[2] == STOCKOUT_CATEGORY else 1.0 for c in catalog])  # the best-selling category
    product_pop /= product_pop.sum()

    # ----- customers ---------------------------------------------------------------------------------
    all_days = np.arange(DAYS)
    day_p = _day_weight(all_days)
    day_p /= day_p.sum()
    people = []
    for i in range(N_CUSTOMERS + N_CRM_ONLY):
        region = regions[rng.choice(len(regions), p=region_p)]
        first, last = FIRST[rng.integers(len(FIRST))], LAST[rng.integers(len(LAST))]
        people.append({
            "id": f"C{10001 + i}", "first": first, "last": last,
            "email": f"{first.lower()}.{last.lower().replace(' ', '')}{i}@example.{['com', 'org', 'net'][i % 3]}"
                     .replace("ü", "ue").replace("ä", "ae").replace("ö", "oe").replace("é", "e").replace("ë", "e"),
            "region": region, "country": COUNTRIES[region][0],
            "city": COUNTRIES[region][2][rng.integers(len(COUNTRIES[region][2]))],
            "channel": CHANNELS[rng.choice(len(CHANNELS), p=CHANNEL_SHARE)],
            "phone": _phone(rng, region, int(rng.integers(3))),
            "first_day": int(rng.choice(DAYS, p=day_p)),
            "email_opt": rng.random() < 0.7, "sms_opt": rng.random() < 0.4,
            "orders": i < N_CUSTOMERS,
        })

    # ----- orders ------------------------------------------------------------------------------------
    order_rows, orders = [], []
    order_no = 100000
    hour_p = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()

    def add_order(person, day: int, late_risk: bool):
        nonlocal order_no
        order_no += 1
        date = START + dt.timedelta(days=day)
        at = dt.datetime.combine(date, dt.time(int(rng.choice(24, p=hour_p)), int(rng.integers(60)),
                                               int(rng.integers(60))))
        late = rng.random() < LATE_SHARE if late_risk else False
        promised = date + dt.timedelta(days=3)
        delivered = promised + dt.timedelta(days=int(rng.integers(2, 10)) if late else -int(rng.integers(0, 2)))
        r = rng.random()
        status = "cancelled" if r < 0.02 else "completed"
        basket = CHANNEL_BASKET[person["channel"]] if person else 1.0
        n_lines = min(1 + rng.geometric(0.55 / basket), 5)
        lines, total, picked = [], 0.0, set()
        for _ in range(n_lines):
            k = int(rng.choice(len(catalog), p=product_pop))
            if (date.year, date.month) == STOCKOUT_MONTH and catalog[k][2] == STOCKOUT_CATEGORY and rng.random() < 0.95:
                continue             # sold out: the sale is lost
            if k in picked:          # one line per product in an order
                continue
            picked.add(k)
            qty = int(min(1 + rng.poisson(0.4 * basket), 6))
            lines.append((catalog[k], qty))
            total += qty * catalog[k][3]
        cid = person["id"] if person else ""
        email = person["email"] if person else ""
        channel = person["channel"] if person else CHANNELS[rng.choice(len(CHANNELS), p=CHANNEL_SHARE)]
        country = person["country"] if person else COUNTRIES[regions[rng.choice(len(regions), p=region_p)]][0]
        oid = f"GH-{order_no}"
        if not lines:                # everything wanted was sold out: no order
            order_no -= 1
            return False
        for (sku, name, cat, price), qty in lines:
            order_rows.append([oid, at.strftime("%Y-%m-%d %H:%M:%S"), cid, email, sku, name, cat, qty,
                               f"{price:.2f}", "EUR", channel, country, status, promised.isoformat(),
                               delivered.isoformat() if status != "cancelled" else ""])
        if total < 50 and status != "cancelled":
            order_rows.append([oid, at.strftime("%Y-%m-%d %H:%M:%S"), cid, email, "POST", "Shipping", "Shipping",
                               1, "4.95", "EUR", channel, country, status, promised.isoformat(), delivered.isoformat()])
        if status == "completed" and rng.random() < 0.03:
            (sku, name, cat, price), qty = lines[0]
            back = min(at + dt.timedelta(days=int(rng.integers(8, 20))),
                       dt.datetime.combine(END, dt.time(18, 0))).strftime("%Y-%m-%d %H:%M:%S")
            order_rows.append([oid, back, cid, email, sku, name, cat, -1, f"{price:.2f}", "EUR", channel, country,
                               "returned", promised.isoformat(), delivered.isoformat()])
        orders.append({"id": oid, "at": at, "person": person, "late": late, "status": status,
                       "delivered": delivered, "total": total})
        return late

    for person in people:
        if not person["orders"]:
            continue
        rate = rng.gamma(1.3, CHANNEL_RATE[person["channel"]] / 1.3)  # orders per year while active
        day = person["first_day"]
        while day < DAYS:
            late = add_order(person, day, True)
            drop = CHANNEL_DROPOUT[person["channel"]] + (LATE_EXTRA_DROPOUT if late else 0.0)
            if rng.random() < drop:
                break
            day += max(1, int(rng.exponential(365.0 / max(rate, 0.2))))
    n_guest = int(len(orders) * GUEST_ORDER_SHARE)
    for day in rng.choice(DAYS, size=n_guest, p=day_p):
        add_order(None, int(day), True)
    order_rows.sort(key=lambda r: (r[1], r[0]))

    # ----- CRM ---------------------------------------------------------------------------------------
    crm_rows = []
    for p in people:
        signup = START + dt.timedelta(days=max(0, p["first_day"] - int(rng.integers(0, 60))))
        crm_rows.append([p["id"], p["first"], p["last"], p["email"], p["phone"], p["country"], p["city"],
                         signup.isoformat(), p["channel"], "yes" if p["email_opt"] else "no",
                         "yes" if p["sms_opt"] else "no"])
    dup_source = rng.choice(N_CUSTOMERS, size=N_DUPLICATES, replace=False)
    for j, i in enumerate(dup_source):
        p = people[int(i)]
        if j % 2 == 0:   # same email, other case and stray spaces
            email, phone = f"  {p['email'].upper()} ", ""
        else:            # same phone in another format, no email
            email, phone = "", _phone(np.random.default_rng(seed + int(i)), p["region"], 1)
            phone = p["phone"].replace(" ", "") if phone == p["phone"] else p["phone"].replace(" ", "-")
        crm_rows.append([f"C{90001 + j}", p["first"], p["last"], email, phone, p["country"], p["city"],
                         (START + dt.timedelta(days=p["first_day"])).isoformat(), p["channel"],
                         "no", "no"])
    crm_rows.sort(key=lambda r: r[0])

    # ----- web events --------------------------------------------------------------------------------
    events = []
    session = 0

    def add_session(cid: str, start: dt.datetime, source: str, steps: list[str]):
        nonlocal session
        session += 1
        sid = f"S{session:07d}"
        device = ["mobile", "desktop", "tablet"][int(rng.choice(3, p=[0.58, 0.36, 0.06]))]
        t = start
        for step in steps:
            page = {"page_view": ["/", "/garden", "/kitchen", "/home-decor", "/sale"][int(rng.integers(5))],
                    "add_to_cart": "/cart", "begin_checkout": "/checkout", "purchase": "/checkout/thank-you"}[step]
            events.append([sid, cid, t.strftime("%Y-%m-%d %H:%M:%S"), step, page, source, device])
            t += dt.timedelta(seconds=int(rng.integers(20, 240)))

    for o in orders:
        p = o["person"]
        if p is None:
            continue
        views = ["page_view"] * int(1 + rng.integers(1, 4))
        add_session(p["id"], o["at"] - dt.timedelta(minutes=int(rng.integers(5, 30))), p["channel"],
                    views + ["add_to_cart", "begin_checkout", "purchase"])
    for _ in range(len(orders)):           # browsing sessions that do not buy
        p = people[int(rng.integers(len(people)))]
        known = rng.random() < 0.5
        day = int(rng.choice(DAYS, p=day_p))
        at = dt.datetime.combine(START + dt.timedelta(days=day), dt.time(int(rng.choice(24, p=hour_p)),
                                                                         int(rng.integers(60))))
        steps = ["page_view"] * int(rng.integers(1, 4))
        if rng.random() < 0.3:
            steps.append("add_to_cart")
            if rng.random() < 0.45:
                steps.append("begin_checkout")
        add_session(p["id"] if known else "", at, p["channel"] if known else "Organic Search", steps)
    events.sort(key=lambda r: (r[2], r[0]))

    # ----- feedback ----------------------------------------------------------------------------------
    feedback = []
    for o in orders:
        p = o["person"]
        if p is None or o["status"] != "completed":
            continue
        answered = rng.random() < (0.45 if o["late"] else 0.25)
        when = dt.datetime.combine(o["delivered"] + dt.timedelta(days=int(rng.integers(1, 8))), dt.time(
            int(rng.integers(8, 22)), int(rng.integers(60))))
        if when.date() > END:
            continue
        if answered:
            if o["late"]:
                score = int(rng.choice(np.arange(0, 11), p=np.array([4, 4, 6, 8, 9, 9, 8, 5, 3, 2, 1]) / 59))
                comment = LATE_COMMENTS[int(rng.integers(len(LATE_COMMENTS)))]
            else:
                score = int(rng.choice(np.arange(0, 11), p=np.array([1, 1, 1, 1, 2, 3, 5, 10, 18, 25, 33]) / 100))
                comment = (GOOD_COMMENTS if score >= 9 else MEH_COMMENTS)[int(rng.integers(
                    len(GOOD_COMMENTS if score >= 9 else MEH_COMMENTS)))]
            feedback.append(["nps", p["id"], when, score, comment, o["id"]])
        if rng.random() < 0.12:
            if o["late"]:
                stars = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15]))
                comment = LATE_COMMENTS[int(rng.integers(len(LATE_COMMENTS)))]
            else:
                stars = int(rng.choice([3, 4, 5], p=[0.15, 0.35, 0.5]))
                comment = (GOOD_COMMENTS if stars >= 4 else MEH_COMMENTS)[int(rng.integers(
                    len(GOOD_COMMENTS if stars >= 4 else MEH_COMMENTS)))]
            feedback.append(["review", p["id"], when + dt.timedelta(hours=2), stars, comment, o["id"]])
    feedback.sort(key=lambda r: (r[2], r[1]))
    feedback_rows = [[f"R{i + 1:06d}", cid, when.strftime("%Y-%m-%d %H:%M:%S"), kind, score, comment, oid]
                     for i, (kind, cid, when, score, comment, oid) in enumerate(feedback)]

    files = {
        "orders.csv": (["Order ID", "Order Date", "Customer ID", "Customer Email", "SKU", "Product", "Category",
                        "Quantity", "Unit Price", "Currency", "Channel", "Country", "Status", "Promised Date",
                        "Delivered Date"], order_rows),
        "customers.csv": (["Customer ID", "First Name", "Last Name", "Email", "Phone", "Country", "City",
                           "Signup Date", "Acquisition Channel", "Email Opt-In", "SMS Opt-In"], crm_rows),
        "web_events.csv": (["Session ID", "Customer ID", "Timestamp", "Event", "Page", "Source", "Device"], events),
        "feedback.csv": (["Response ID", "Customer ID", "Submitted At", "Type", "Score", "Comment", "Order ID"],
                         feedback_rows),
    }
    counts = {}
    for name, (header, rows) in files.items():
        with open(out_dir / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        counts[name] = len(rows)
    return counts


if __name__ == "__main__":
    print(generate(Path(__file__).resolve().parent))
