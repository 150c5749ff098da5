"""Generate the bundled sample shop: "Gartenhaus & Co", a fictional home & garden shop selling in EUR.

    .venv/bin/python sample_data/generate.py            # rewrites the five CSVs beside this file

Seeded and deterministic: the same seed writes byte-identical files. Dates are fixed (orders from
2024-11-01 to 2026-10-31), never relative to today. The planted stories and their parameters are listed in
README.md beside this file; the constants below are those parameters.

The simulation follows the process BG/NBD assumes: every ordering customer has a purchase rate (gamma
distributed around their acquisition channel's rate) and a dropout probability (beta distributed around the
channel's dropout) that is tried after every order; a late delivery adds ``LATE_EXTRA_DROPOUT`` to that try.
Orders are simulated first and numbered afterwards in time order, so order numbers rise with the date.
"""

from __future__ import annotations

import csv
import datetime as dt
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import phonenumbers

SEED = 20241101
START = dt.date(2024, 11, 1)
END = dt.date(2026, 10, 31)
DAYS = (END - START).days + 1
SHOP = "Gartenhaus & Co"
N_CUSTOMERS = 3000            # customers who order
N_CRM_ONLY = 300              # in the CRM, never ordered
N_DUPLICATES = 40             # people entered twice in the CRM (half by e-mail, half by phone)
GUEST_ORDER_SHARE = 0.03      # orders placed without an account (no customer id, no e-mail)
CANCEL_SHARE = 0.02           # orders cancelled before shipping (a separate "-C" id with negative lines)
RETURN_SHARE = 0.03           # delivered orders with one line sent back (negative line, same order id)
SHIPPING_FEE = 4.95           # a POST line on orders under FREE_SHIPPING_FROM
FREE_SHIPPING_FROM = 50.0
PROMISE_DAYS = 3              # promised delivery: order date + 3 days
EMAIL_OPT_IN = 0.70
SMS_OPT_IN = 0.40

CHANNELS = ["Organic Search", "Paid Social", "Email", "Referral", "Marketplace"]
CHANNEL_SHARE = [0.30, 0.25, 0.15, 0.12, 0.18]
# story 1: Referral customers buy more often, spend more and stay longer than Paid Social customers
CHANNEL_RATE = {"Organic Search": 6.0, "Paid Social": 4.8, "Email": 6.3, "Referral": 6.9, "Marketplace": 5.3}
CHANNEL_BASKET = {"Organic Search": 1.0, "Paid Social": 0.85, "Email": 1.0, "Referral": 1.2, "Marketplace": 0.95}
CHANNEL_DROPOUT = {"Organic Search": 0.20, "Paid Social": 0.28, "Email": 0.18, "Referral": 0.12,
                   "Marketplace": 0.25}
RATE_SHAPE = 1.5              # gamma shape of the purchase rate (orders per year while active)
DROPOUT_CONCENTRATION = 4.0   # beta(a, b) with a + b = 4 around the channel's dropout: a loyal core
# story 2: a late delivery makes the customer far more likely to stop buying, and score low
LATE_SHARE = 0.13             # of delivered orders, arriving 2-9 days after the promised date
LATE_EXTRA_DROPOUT = 0.40     # added to the dropout try after a late order
# story 3: Garden Tools sold out in July 2025
STOCKOUT_CATEGORY = "Garden Tools"
STOCKOUT_MONTH = (2025, 7)
STOCKOUT_LOST = 0.95          # share of Garden Tools lines wanted that month that are lost sales
STOCKOUT_POPULARITY = 3.0     # Garden Tools is the best-selling category: 3x the others' popularity
GARDEN_SEASON = (4, 8, 1.8)   # ... and 1.8x that again from April to August

COUNTRIES = {"DE": ("Germany", 0.60, ["Berlin", "Hamburg", "München", "Köln", "Leipzig", "Freiburg", "Dresden",
                                      "Stuttgart", "Bremen", "Münster"]),
             "AT": ("Austria", 0.12, ["Wien", "Graz", "Linz", "Salzburg", "Innsbruck"]),
             "NL": ("Netherlands", 0.10, ["Amsterdam", "Utrecht", "Rotterdam", "Groningen", "Eindhoven"]),
             "FR": ("France", 0.10, ["Paris", "Lyon", "Strasbourg", "Lille", "Nantes"]),
             "BE": ("Belgium", 0.08, ["Brussel", "Antwerpen", "Gent", "Liège", "Brugge"])}
FIRST = {"DE": ["Anna", "Lukas", "Mia", "Jonas", "Emma", "Felix", "Lea", "Paul", "Sophie", "Noah", "Clara",
                "Elias", "Marie", "Ben", "Lina", "Finn", "Julia", "Tim", "Sarah", "Max", "Greta", "Ole"],
         "AT": ["Anna", "Lukas", "Hannah", "Tobias", "Katharina", "Florian", "Johanna", "Stefan", "Theresa"],
         "NL": ["Daan", "Sanne", "Lotte", "Bram", "Fleur", "Jesse", "Anouk", "Ruben", "Zoë", "Sem"],
         "FR": ["Chloé", "Louis", "Camille", "Hugo", "Léa", "Manon", "Théo", "Inès", "Jules", "Léon"],
         "BE": ["Lucas", "Emma", "Milan", "Nora", "Arthur", "Louise", "Jan", "Ines", "Wout", "Elise"]}
LAST = {"DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Hoffmann",
               "Koch", "Schäfer", "Richter", "Klein", "Neumann", "Braun", "Zimmermann", "Wolf", "Krüger"],
        "AT": ["Gruber", "Huber", "Bauer", "Wagner", "Pichler", "Steiner", "Moser", "Mayer", "Hofer"],
        "NL": ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "de Jong", "van Dijk", "Mulder", "Bos"],
        "FR": ["Martin", "Bernard", "Dubois", "Leroy", "Moreau", "Laurent", "Simon", "Michel", "Lefèvre"],
        "BE": ["Peeters", "Maes", "Janssens", "Claes", "Goossens", "Wouters", "Dubois", "Lambert", "Mertens"]}
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
# feedback comments are put together from these phrases: an opening, sometimes a detail, sometimes a close
LATE_OPENERS = ["Arrived a week late.", "Still waiting for my parcel.", "Delivery was late and nobody told me.",
                "The parcel came {days} days after the promised date.", "Delivery took forever.",
                "Shipping was slow and tracking never updated.", "Late delivery, missed the weekend I needed it for.",
                "Promised in 3 days, arrived {days} days late.", "Had to chase the late parcel twice.",
                "Waited over a week for a simple order.", "Delivery was {days} days late."]
LATE_DETAILS = ["The {product} itself is fine.", "The {product} is okay, but that is not the point.",
                "Customer service only sent a standard reply.", "It was meant to be a gift.",
                "No apology, no discount.", ""]
LATE_CLOSERS = ["Very disappointed.", "Won't order again.", "Please fix your shipping.", "Not impressed.",
                "I will shop elsewhere next time.", ""]
GOOD_OPENERS = ["Great quality, fast delivery.", "Lovely products, will order again.", "Exactly as described.",
                "Beautiful packaging and quick shipping.", "Very happy with my order.", "Good value for money.",
                "Friendly service when I had a question.", "Arrived quickly and well packed.",
                "Second order here and still impressed.", "Super smooth from checkout to doorstep."]
GOOD_DETAILS = ["The {product} is even nicer in person.", "The {product} is solid and well made.",
                "My garden looks amazing now!", "The {product} was a perfect gift.", "Love the {product}.", ""]
GOOD_CLOSERS = ["Thank you!", "Highly recommended.", "Will be back.", "Five stars from me.", ""]
MEH_OPENERS = ["Okay, but a bit pricey.", "Colour slightly different from the photo.", "Fine.", "Average quality.",
               "Website was a bit confusing at checkout.", "Does the job.", "Smaller than I expected.",
               "Packaging could use less plastic."]
MEH_DETAILS = ["The {product} is alright.", "It works, nothing special.", "Took a while to assemble.", ""]
MEH_CLOSERS = ["Might order again.", "We'll see.", ""]
HOUR_WEIGHTS = np.array([1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 5, 6, 7, 6, 5, 5, 5, 6, 7, 9, 10, 9, 6, 3], float)
WEEKDAY_WEIGHTS = np.array([1.2, 1.0, 1.0, 1.0, 0.9, 0.7, 1.3])  # Mon..Sun: Sunday evening shoppers
SEASON = {11: 1.6, 12: 1.7, 3: 1.15, 4: 1.3, 5: 1.3, 6: 1.1}      # month -> demand multiplier
GROWTH = (0.7, 1.3)           # demand multiplier on the first and the last day (linear in between)
PAGES = {"Garden Tools": "/garden-tools", "Plants & Seeds": "/plants-seeds", "Outdoor Living": "/outdoor-living",
         "Kitchen": "/kitchen", "Home Decor": "/home-decor", "Textiles": "/textiles"}
TRACKED_SHARE = 0.85          # orders of known, non-Marketplace customers that have a web session
DEVICE_CUM = np.cumsum([0.58, 0.36, 0.06])     # mobile, desktop, tablet
BROWSE_SESSIONS_PER_ORDER = 3.0  # sessions that buy nothing, per order


# story 7 (issue 23): what customers cost. The shop's marketing sheet: Meta Ads spend is about PAID_SOCIAL_CAC per
# new Paid Social customer each month (±15 %), the e-mail tool a flat monthly fee, and one influencer campaign in
# May 2025 that brought nobody the CRM knows of (its spend shows as unmatched)
PAID_SOCIAL_CAC = 140.0
EMAIL_TOOL_FEE = 59.0
INFLUENCER_MONTH, INFLUENCER_SPEND = (2025, 5), 450.0


def _spend_rows(orders: list[dict], seed: int) -> list[list]:
    """The monthly marketing sheet: Month (``Nov 2024``), Channel, Campaign, Spend, and a Total row."""
    rng = np.random.default_rng(seed + 23)   # its own stream: the other files stay byte for byte the same
    first: dict[str, tuple] = {}
    for o in orders:
        p = o["person"]
        if p is not None and (p["id"] not in first or o["at"] < first[p["id"]][0]):
            first[p["id"]] = (o["at"], p["channel"])
    new = Counter((at.year, at.month) for at, channel in first.values() if channel == "Paid Social")
    rows, month, total = [], START.replace(day=1), 0.0
    while month <= END:
        key, label = (month.year, month.month), month.strftime("%b %Y")
        social = round(PAID_SOCIAL_CAC * new.get(key, 0) * rng.uniform(0.85, 1.15), 2)
        rows.append([label, "Meta Ads", "Always-on prospecting", f"{social:.2f}"])
        rows.append([label, "email_tool", "Newsletter plan", f"{EMAIL_TOOL_FEE:.2f}"])
        total += social + EMAIL_TOOL_FEE
        if key == INFLUENCER_MONTH:
            rows.append([label, "Influencers", "Garden creators", f"{INFLUENCER_SPEND:.2f}"])
            total += INFLUENCER_SPEND
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return rows + [["Total", "", "", f"{total:.2f}"]]


def _stock_out_sessions(session_rows: list[list[tuple]], catalog: list[tuple], seed: int) -> list[list[tuple]]:
    """Story 3 in the web events: in the stock-out month the Garden Tools pages are still viewed, but nobody adds
    them to the cart. A browsing session of that month that viewed a Garden Tools page (the category or one of its
    products) leaves before the cart; a buying session of that month views another product's page instead (its
    order holds what was in stock). Uses its own random stream, so the other files stay byte for byte the same."""
    rng = np.random.default_rng(seed + 3)
    garden = {PAGES[STOCKOUT_CATEGORY]} | {f"/p/{sku.lower()}" for sku, _, cat, _ in catalog if cat == STOCKOUT_CATEGORY}
    others = [f"/p/{sku.lower()}" for sku, _, cat, _ in catalog if cat != STOCKOUT_CATEGORY]
    out = []
    for evs in session_rows:
        start = evs[0][0]
        if (start.year, start.month) != STOCKOUT_MONTH or not any(e[3] in garden for e in evs):
            out.append(evs)
        elif any(e[2] == "purchase" for e in evs):
            out.append([(t, cid, step, others[int(rng.integers(len(others)))] if page in garden else page, src, dev)
                        for t, cid, step, page, src, dev in evs])
        else:
            out.append([e for e in evs if e[2] == "page_view"])
    return out


def _day_weight(day_index: np.ndarray) -> np.ndarray:
    dates = [START + dt.timedelta(days=int(d)) for d in day_index]
    season = np.array([SEASON.get(d.month, 1.0) for d in dates])
    growth = GROWTH[0] + (GROWTH[1] - GROWTH[0]) * day_index / (DAYS - 1)
    weekday = WEEKDAY_WEIGHTS[[d.weekday() for d in dates]]
    return season * growth * weekday


_PHONE_FORMATS = [phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                  phonenumbers.PhoneNumberFormat.E164]


def _phone(rng, region: str, used: set[str]) -> phonenumbers.PhoneNumber:
    """An invented mobile number, valid for ``region`` and not in ``used``."""
    base = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    digits = str(base.national_number)
    while True:
        tail = "".join(str(d) for d in rng.integers(0, 10, size=6))
        number = phonenumbers.parse(f"+{base.country_code}{digits[:-6]}{tail}", None)
        e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
        if phonenumbers.is_valid_number(number) and e164 not in used:
            used.add(e164)
            return number


def _comment(rng, mood: str, product: str, late_days: int) -> str:
    openers, details, closers = {"late": (LATE_OPENERS, LATE_DETAILS, LATE_CLOSERS),
                                 "good": (GOOD_OPENERS, GOOD_DETAILS, GOOD_CLOSERS),
                                 "meh": (MEH_OPENERS, MEH_DETAILS, MEH_CLOSERS)}[mood]
    if mood != "late" and rng.random() < 0.2:
        return ""                                     # many people leave a score and no words
    parts = [openers[int(rng.integers(len(openers)))]]
    if rng.random() < 0.6:
        parts.append(details[int(rng.integers(len(details)))])
    if rng.random() < 0.5:
        parts.append(closers[int(rng.integers(len(closers)))])
    return " ".join(p for p in parts if p).format(product=product.lower(), days=max(late_days, 2))


def _pick(rng, cumulative: np.ndarray) -> int:
    """One index drawn with the probabilities whose running sum is ``cumulative`` (faster than rng.choice)."""
    return min(int(np.searchsorted(cumulative, rng.random() * cumulative[-1], side="right")), len(cumulative) - 1)


def _ts(at: dt.datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S")


def generate(out_dir: Path | str, seed: int = SEED) -> dict[str, int]:
    """Write orders.csv, customers.csv, web_events.csv, feedback.csv and marketing_spend.csv into ``out_dir``;
    return row counts."""
    rng = np.random.default_rng(seed)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    regions = list(COUNTRIES)
    region_p = np.array([COUNTRIES[r][1] for r in regions])
    catalog = [(f"{cat[:2].upper()}-{i + 101:03d}", name, cat, price)
               for cat, items in CATEGORIES.items() for i, (name, price) in enumerate(items)]
    # a large variant of every product: 120 products
    catalog += [(f"{sku}-L", f"{name} (large)", cat, round(price * 1.6, 1)) for sku, name, cat, price in catalog]
    product_pop = rng.dirichlet(np.full(len(catalog), 0.6))
    product_pop *= np.array([STOCKOUT_POPULARITY if c[2] == STOCKOUT_CATEGORY else 1.0 for c in catalog])
    product_pop /= product_pop.sum()
    end_of_data = dt.datetime.combine(END, dt.time(23, 59, 59))

    # ----- people ------------------------------------------------------------------------------------
    day_p = _day_weight(np.arange(DAYS))
    day_p /= day_p.sum()
    hour_p = HOUR_WEIGHTS / HOUR_WEIGHTS.sum()
    day_cum, hour_cum, product_cum = np.cumsum(day_p), np.cumsum(hour_p), np.cumsum(product_pop)
    garden_pop = product_pop * np.array([GARDEN_SEASON[2] if c[2] == STOCKOUT_CATEGORY else 1.0 for c in catalog])
    garden_cum = np.cumsum(garden_pop / garden_pop.sum())
    region_cum, channel_cum = np.cumsum(region_p), np.cumsum(CHANNEL_SHARE)
    people, used_phones = [], set()
    for i in range(N_CUSTOMERS + N_CRM_ONLY):
        region = regions[_pick(rng, region_cum)]
        first = FIRST[region][rng.integers(len(FIRST[region]))]
        last = LAST[region][rng.integers(len(LAST[region]))]
        local = f"{first}.{last}".lower().replace(" ", "")
        for a, b in (("ü", "ue"), ("ä", "ae"), ("ö", "oe"), ("é", "e"), ("è", "e"), ("ë", "e")):
            local = local.replace(a, b)
        channel = CHANNELS[_pick(rng, channel_cum)]
        mean_drop = CHANNEL_DROPOUT[channel]
        people.append({
            "id": f"C{10001 + i}", "first": first, "last": last,
            "email": f"{local}{i}@example.{['com', 'org', 'net'][i % 3]}",
            "region": region, "country": COUNTRIES[region][0],
            "city": COUNTRIES[region][2][rng.integers(len(COUNTRIES[region][2]))],
            "channel": channel,
            "phone": _phone(rng, region, used_phones), "phone_style": int(rng.integers(3)),
            "first_day": _pick(rng, day_cum),
            "rate": rng.gamma(RATE_SHAPE, CHANNEL_RATE[channel] / RATE_SHAPE),
            "dropout": rng.beta(mean_drop * DROPOUT_CONCENTRATION, (1 - mean_drop) * DROPOUT_CONCENTRATION),
            "email_opt": rng.random() < EMAIL_OPT_IN, "sms_opt": rng.random() < SMS_OPT_IN,
            "orders": i < N_CUSTOMERS,
        })

    # ----- orders: simulate, then number in time order -----------------------------------------------
    orders = []

    def make_order(person, day: int) -> dict | None:
        date = START + dt.timedelta(days=day)
        at = dt.datetime.combine(date, dt.time(_pick(rng, hour_cum), int(rng.integers(60)),
                                               int(rng.integers(60))))
        basket = CHANNEL_BASKET[person["channel"]] if person else 1.0
        n_lines = int(min(rng.geometric(0.30 / basket), 5))
        lines, picked = [], set()
        season_cum = garden_cum if GARDEN_SEASON[0] <= date.month <= GARDEN_SEASON[1] else product_cum
        for _ in range(n_lines):
            k = _pick(rng, season_cum)
            if ((date.year, date.month) == STOCKOUT_MONTH and catalog[k][2] == STOCKOUT_CATEGORY
                    and rng.random() < STOCKOUT_LOST):
                continue             # sold out: the sale is lost
            if k in picked:          # one line per product in an order
                continue
            picked.add(k)
            lines.append((catalog[k], int(min(1 + rng.poisson(0.35 * basket), 6))))
        if not lines:                # everything wanted was sold out: no order
            return None
        total = sum(qty * price for (_, _, _, price), qty in lines)
        cancelled = rng.random() < CANCEL_SHARE and date < END - dt.timedelta(days=2)
        promised = date + dt.timedelta(days=PROMISE_DAYS)
        late = (not cancelled) and rng.random() < LATE_SHARE
        late_days = int(rng.integers(2, 10)) if late else -int(rng.integers(0, 2))
        delivered = None if cancelled else promised + dt.timedelta(days=late_days)
        order = {"at": at, "person": person, "lines": lines, "total": total, "cancelled": cancelled,
                 "late": late, "late_days": late_days, "promised": promised, "delivered": delivered,
                 "channel": person["channel"] if person else CHANNELS[_pick(rng, channel_cum)],
                 "country": person["country"] if person else
                 COUNTRIES[regions[_pick(rng, region_cum)]][0],
                 "cancelled_at": at + dt.timedelta(minutes=int(rng.integers(10, 2880))),
                 "returned": None}
        if not cancelled and delivered <= END and rng.random() < RETURN_SHARE:
            back = dt.datetime.combine(delivered + dt.timedelta(days=int(rng.integers(3, 15))),
                                       dt.time(int(rng.integers(8, 20)), int(rng.integers(60)), int(rng.integers(60))))
            if back <= end_of_data:  # a return not yet made by the end of the data is not in it
                order["returned"] = (int(rng.integers(len(lines))), back)
        orders.append(order)
        return order

    for person in people:
        if not person["orders"]:
            continue
        day = person["first_day"]
        while day < DAYS:
            order = make_order(person, day)
            late = bool(order and order["late"])
            if order and rng.random() < min(person["dropout"] + (LATE_EXTRA_DROPOUT if late else 0.0), 0.95):
                break
            day += max(1, int(rng.exponential(365.0 / max(person["rate"], 0.2))))
    n_guest = int(len(orders) * GUEST_ORDER_SHARE / (1 - GUEST_ORDER_SHARE))
    for day in rng.choice(DAYS, size=n_guest, p=day_p):
        make_order(None, int(day))
    orders.sort(key=lambda o: (o["at"], o["person"]["id"] if o["person"] else ""))

    order_rows = []
    for number, o in enumerate(orders, start=100001):
        o["id"] = oid = f"GH-{number}"
        p = o["person"]
        cid, email = (p["id"], p["email"]) if p else ("", "")
        head = [oid, _ts(o["at"]), cid, email]
        promised = o["promised"].isoformat()
        delivered = o["delivered"].isoformat() if o["delivered"] and o["delivered"] <= END else ""  # in transit
        tail = ["EUR", o["channel"], o["country"]]
        for (sku, name, cat, price), qty in o["lines"]:
            order_rows.append(head + [sku, name, cat, qty, f"{price:.2f}"] + tail + ["completed", promised, delivered])
        shipping = o["total"] < FREE_SHIPPING_FROM
        if shipping:
            order_rows.append(head + ["POST", "Shipping", "Shipping", 1, f"{SHIPPING_FEE:.2f}"] + tail
                              + ["completed", promised, delivered])
        if o["returned"]:
            k, back = o["returned"]
            (sku, name, cat, price), qty = o["lines"][k]
            order_rows.append([oid, _ts(back), cid, email, sku, name, cat, -qty, f"{price:.2f}"] + tail
                              + ["returned", promised, delivered])
        if o["cancelled"]:           # the cancellation: every line undone under its own id, nothing delivered
            undo = [oid + "-C", _ts(o["cancelled_at"]), cid, email]
            for (sku, name, cat, price), qty in o["lines"]:
                order_rows.append(undo + [sku, name, cat, -qty, f"{price:.2f}"] + tail + ["cancelled", promised, ""])
            if shipping:
                order_rows.append(undo + ["POST", "Shipping", "Shipping", -1, f"{SHIPPING_FEE:.2f}"] + tail
                                  + ["cancelled", promised, ""])
    order_rows.sort(key=lambda r: (r[1], r[0]))

    # ----- CRM ---------------------------------------------------------------------------------------
    crm_rows = []
    for p in people:
        signup = START + dt.timedelta(days=max(0, p["first_day"] - int(rng.integers(0, 60))))
        crm_rows.append([p["id"], p["first"], p["last"], p["email"],
                         phonenumbers.format_number(p["phone"], _PHONE_FORMATS[p["phone_style"]]),
                         p["country"], p["city"], signup.isoformat(), p["channel"],
                         "yes" if p["email_opt"] else "no", "yes" if p["sms_opt"] else "no"])
    dup_source = rng.choice(N_CUSTOMERS, size=N_DUPLICATES, replace=False)
    for j, i in enumerate(sorted(int(i) for i in dup_source)):
        p = people[i]
        if j % 2 == 0:   # same e-mail in capitals with stray spaces, no phone
            email, phone = f"  {p['email'].upper()} ", ""
        else:            # same phone in another format, no e-mail
            other = _PHONE_FORMATS[(p["phone_style"] + 1) % 3]
            email, phone = "", phonenumbers.format_number(p["phone"], other)
            if other == phonenumbers.PhoneNumberFormat.NATIONAL:
                phone = phone.replace(" ", "-")
        signup = START + dt.timedelta(days=min(DAYS - 1, p["first_day"] + int(rng.integers(30, 200))))
        crm_rows.append([f"C{90001 + j}", p["first"], p["last"], email, phone, p["country"], p["city"],
                         signup.isoformat(), p["channel"], "yes" if rng.random() < 0.5 else "no", "no"])
    crm_rows.sort(key=lambda r: r[0])

    # ----- web events --------------------------------------------------------------------------------
    sessions = []                    # (start, customer id, source, steps, end_at)

    def browse_steps(cart_p: float) -> list[str]:
        steps = ["page_view"] * int(min(rng.geometric(0.55), 6))
        if rng.random() < cart_p:
            steps.append("add_to_cart")
            if rng.random() < 0.5:
                steps.append("begin_checkout")
        return steps

    for o in orders:
        p = o["person"]
        if p is None or p["channel"] == "Marketplace" or rng.random() > TRACKED_SHARE:
            continue
        steps = ["page_view"] * int(rng.integers(1, 4)) + ["add_to_cart", "begin_checkout", "purchase"]
        sessions.append((None, p["id"], p["channel"], steps, o["at"]))   # the purchase lands at the order time
    for _ in range(int(len(orders) * BROWSE_SESSIONS_PER_ORDER)):
        p = people[int(rng.integers(len(people)))]
        known = rng.random() < 0.35
        day = _pick(rng, day_cum)
        at = dt.datetime.combine(START + dt.timedelta(days=day), dt.time(_pick(rng, hour_cum),
                                                                         int(rng.integers(60)), int(rng.integers(60))))
        source = p["channel"] if known else CHANNELS[_pick(rng, channel_cum)]
        if source == "Marketplace":
            source = "Direct"
        sessions.append((at, p["id"] if known else "", source, browse_steps(0.2), None))
    events = []
    for start, cid, source, steps, end_at in sessions:
        device = ["mobile", "desktop", "tablet"][_pick(rng, DEVICE_CUM)]
        gaps = rng.integers(15, 240, size=len(steps))
        if end_at is not None:       # work back from the purchase so its timestamp is the order's
            offsets = np.concatenate([[0], np.cumsum(gaps[:-1])])
            start = end_at - dt.timedelta(seconds=int(offsets[-1]))
        t = start
        cat = list(PAGES)[int(rng.integers(len(PAGES)))]
        for n, step in enumerate(steps):
            if step == "page_view":
                page = "/" if n == 0 and rng.random() < 0.4 else (
                    PAGES[cat] if rng.random() < 0.6 else f"/p/{catalog[int(rng.integers(len(catalog)))][0].lower()}")
            else:
                page = {"add_to_cart": "/cart", "begin_checkout": "/checkout",
                        "purchase": "/checkout/thank-you"}[step]
            events.append((t, cid, step, page, source, device))
            t += dt.timedelta(seconds=int(gaps[n]))
    # session ids in time order of the session's first event
    session_rows = []
    idx = 0
    for start, cid, source, steps, end_at in sessions:
        session_rows.append(events[idx:idx + len(steps)])
        idx += len(steps)
    session_rows.sort(key=lambda evs: (evs[0][0], evs[0][1]))
    session_rows = _stock_out_sessions(session_rows, catalog, seed)
    event_rows = []
    for n, evs in enumerate(session_rows, start=1):
        for t, cid, step, page, source, device in evs:
            if t <= end_of_data:
                event_rows.append([f"S{n:07d}", cid, _ts(t), step, page, source, device])

    # ----- feedback ----------------------------------------------------------------------------------
    feedback = []
    had_late = set()                 # customers who have had a late delivery: they stay grumpier
    for o in orders:
        p = o["person"]
        if p is None or o["cancelled"]:
            continue
        grudge = p["id"] in had_late
        if o["late"]:
            had_late.add(p["id"])
        when = dt.datetime.combine(o["delivered"] + dt.timedelta(days=int(rng.integers(1, 8))), dt.time(
            int(rng.integers(8, 22)), int(rng.integers(60)), int(rng.integers(60))))
        product = o["lines"][0][0][1]
        answered_nps = rng.random() < (0.45 if o["late"] else 0.25)
        wrote_review = rng.random() < (0.25 if o["late"] else 0.12)
        if when > end_of_data:
            continue
        if answered_nps:
            if o["late"]:
                score = int(rng.choice(11, p=np.array([6, 6, 8, 9, 9, 8, 6, 3, 2, 1, 0.5]) / 58.5))
                mood = "late"
            else:
                weights = np.array([1, 1, 1, 1, 2, 3, 5, 10, 18, 25, 33], float)
                if grudge:
                    weights = np.array([3, 3, 4, 5, 6, 7, 8, 8, 6, 4, 3], float)
                score = int(rng.choice(11, p=weights / weights.sum()))
                mood = "good" if score >= 8 else "meh"
            feedback.append(["nps", p["id"], when, score, _comment(rng, mood, product, o["late_days"]), o["id"]])
        if wrote_review:
            if o["late"]:
                stars, mood = int(rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])), "late"
            else:
                stars = int(rng.choice([2, 3, 4, 5], p=[0.15, 0.3, 0.3, 0.25] if grudge else [0.03, 0.12, 0.35, 0.5]))
                mood = "good" if stars >= 4 else "meh"
            feedback.append(["review", p["id"], when + dt.timedelta(hours=int(rng.integers(1, 30))), stars,
                             _comment(rng, mood, product, o["late_days"]), o["id"]])
    feedback = [f for f in feedback if f[2] <= end_of_data]
    feedback.sort(key=lambda r: (r[2], r[1], r[0]))
    feedback_rows = [[f"R{i + 1:06d}", cid, _ts(when), kind, score, comment, oid]
                     for i, (kind, cid, when, score, comment, oid) in enumerate(feedback)]

    files = {
        "orders.csv": (["Order ID", "Order Date", "Customer ID", "Customer Email", "SKU", "Product", "Category",
                        "Quantity", "Unit Price", "Currency", "Channel", "Country", "Status", "Promised Date",
                        "Delivered Date"], order_rows),
        "customers.csv": (["Customer ID", "First Name", "Last Name", "Email", "Phone", "Country", "City",
                           "Signup Date", "Acquisition Channel", "Email Opt-In", "SMS Opt-In"], crm_rows),
        "web_events.csv": (["Session ID", "Customer ID", "Timestamp", "Event", "Page", "Source", "Device"],
                           event_rows),
        "feedback.csv": (["Response ID", "Customer ID", "Submitted At", "Type", "Score", "Comment", "Order ID"],
                         feedback_rows),
        "marketing_spend.csv": (["Month", "Channel", "Campaign", "Spend"], _spend_rows(orders, seed)),
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
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent
    for name, rows in generate(target).items():
        sys.stdout.write(f"{name}: {rows:,} rows\n")
