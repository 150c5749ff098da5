"""A small shop with one canary customer, written as the files a shop exports (a CRM list, order lines, web
events, reviews), for the privacy tests: the canary's name, e-mail, phone and id are unusual enough that finding
them anywhere means something of them is left."""

from __future__ import annotations

from pathlib import Path

from insights.core.workspace import Workspace
from insights.ingest.load.batch import load_prepared
from insights.ingest.prepare import prepare_file

NAME = "Zephyrine Quaglioni"
EMAIL = "zephyrine.canary@example.test"
PHONE = "+447911123456"
PHONE_AS_TYPED = "07911 123456"
CUSTOMER_ID = "CANARY77"

OTHERS = [(f"C{100 + i}", f"Person{i} Smith", f"person{i}@example.org", f"+4915123{470000 + i}",
           "yes" if i % 2 else "no") for i in range(12)]


def write_files(folder: Path, extra_rows: int = 0) -> dict[str, Path]:
    """The four files; ``extra_rows`` adds orders of other customers (a later export of the same shop)."""
    folder.mkdir(parents=True, exist_ok=True)
    customers = ["Customer ID,Full Name,Email,Phone,Country,Email Opt-In"]
    customers.append(f"{CUSTOMER_ID},{NAME},{EMAIL.upper()},{PHONE_AS_TYPED},United Kingdom,yes")
    customers += [f"{c},{n},{e},{p},Germany,{o}" for c, n, e, p, o in OTHERS]
    orders = ["Order ID,Order Date,Customer ID,Customer Email,Product,Category,Quantity,Unit Price,Currency"]
    orders += [f"A{1000 + k},2025-0{1 + k % 9}-1{k % 9} 10:00:00,{CUSTOMER_ID},{EMAIL},Teapot,Kitchen,1,30.00,GBP"
               for k in range(3)]
    orders.append(f"G1,2025-03-03 09:00:00,,{EMAIL},Mug,Kitchen,2,5.00,GBP")           # a guest order, same e-mail
    orders.append(f"A1001,2025-02-11 10:00:00,{CUSTOMER_ID},{EMAIL},Teapot,Kitchen,1,30.00,GBP,{NAME}")  # ragged
    for i, (c, _, e, _, _) in enumerate(OTHERS):
        for k in range(2 + i % 3):
            orders.append(f"B{i}-{k},2025-0{1 + (i + k) % 9}-0{1 + k} 12:00:00,{c},{e},Vase,Home,1,{20 + i}.50,GBP")
    orders += [f"X{j},2025-09-0{1 + j % 9} 12:00:00,C100,person0@example.org,Vase,Home,1,9.99,GBP"
               for j in range(extra_rows)]
    events = ["Session ID,Customer ID,Timestamp,Event,Page,Device"]
    events += [f"S1,{CUSTOMER_ID},2025-01-10 09:5{k}:00,{ev},/account?email={EMAIL},mobile"
               for k, ev in enumerate(["page_view", "add_to_cart", "purchase"])]
    events += [f"S{2 + i},{c},2025-01-1{i % 9} 08:00:00,page_view,/home,desktop" for i, (c, *_r) in enumerate(OTHERS)]
    feedback = ["Response ID,Customer ID,Submitted At,Type,Score,Comment,Order ID"]
    feedback.append(f"R1,{CUSTOMER_ID},2025-01-12 10:00:00,review,2,Slow delivery - {NAME},A1000")
    feedback += [f"R{2 + i},{c},2025-02-0{1 + i % 9} 10:00:00,review,5,Lovely,B{i}-0" for i, (c, *_r) in
                 enumerate(OTHERS)]
    for j in range(extra_rows):      # a later export of each file: new rows, so new bytes
        customers.append(f"N{extra_rows}-{j},New Person{j},new{extra_rows}.{j}@example.org,,Germany,yes")
        events.append(f"N{extra_rows}-{j},,2025-09-01 08:00:0{j % 10},page_view,/home,desktop")
        feedback.append(f"N{extra_rows}-{j},,2025-09-02 10:00:00,review,4,Fine,")
    paths = {}
    for name, rows in (("customers", customers), ("transactions", orders), ("events", events),
                       ("feedback", feedback)):
        paths[name] = folder / f"{name}.csv"
        paths[name].write_text("\n".join(rows) + "\n", encoding="utf-8")
    return paths


def canary_workspace(root: Path) -> Workspace:
    """A workspace (a folder on disk) holding the four files."""
    ws = Workspace.create("Canary shop", root=root / "workspaces")
    load(ws, write_files(root / "files"))
    return ws


def load(ws, paths: dict[str, Path]):
    """Load the files (each as the kind it is named for) in one upload; the upload's report."""
    return load_prepared(ws, [prepare_file(p, kind=kind, ws=ws) for kind, p in paths.items()])
