"""One customer key across files and kinds.

Every record in the workspace (order line, CRM row, event, feedback answer) carries up to three keys of a
person: the customer id the file gave (``source_customer_id``), a normalised e-mail (trimmed, lower case)
and a phone number in E.164 (``+447700900123``, via ``phonenumbers``; the row's country decides the region
of numbers written without ``+``). A CRM row may also carry a second id (``customer_ref``: Olist gives each
order its own ``customer_id`` and the person a ``customer_unique_id``).

Keys that appear on one record belong to one person; union-find joins them transitively over all records
of the workspace. The resolved key is readable: the smallest id that the customer list (CRM) uses for the
group, else the smallest id from any file, else the e-mail, else the phone. It is written to
``customer_id`` of all four tables; rows without any key stay NULL (guests), except events and feedback
that name an order, which take the order's customer. ``identity_merges`` lists every key that was folded
into another and why.

This runs on distinct key combinations, not rows, so it stays fast on large order files.
"""

from __future__ import annotations

import logging
import re

import pandas as pd
import phonenumbers

from insights.ingest.values.labels import country_code

log = logging.getLogger(__name__)

TABLES = ("order_lines", "customer_records", "events", "feedback")

def region_for_country(country: str | None) -> str | None:
    """``'United Kingdom'`` → ``'GB'`` (the one country lookup, :func:`insights.ingest.values.labels.country_code`);
    two-letter codes pass through; unknown → None."""
    if not country:
        return None
    text = str(country).strip()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return country_code(text)


def normalise_phone(phone: str | None, country: str | None = None) -> str | None:
    """E.164 when the number is valid (``'07700 900123', 'UK'`` → ``'+447700900123'``); else the trimmed text.

    Only E.164 values take part in identity resolution, so an unreadable number never merges two people.
    """
    if phone is None:
        return None
    text = str(phone).strip()
    if not text:
        return None
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.startswith("'"):           # a spreadsheet's text escape ('+31612340001)
        text = text[1:].strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    region = region_for_country(country)
    try:
        number = phonenumbers.parse(text, None if text.startswith("+") else region)
    except phonenumbers.NumberParseException:
        return text
    if phonenumbers.is_possible_number(number) and phonenumbers.is_valid_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text


def normalise_email(email: str | None) -> str | None:
    if email is None:
        return None
    text = str(email).strip().lower()
    return text or None


_EMAIL_OK = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}
        self.partner: dict[str, str] = {}  # the key a key was first seen beside (for the merge reason)

    def find(self, key: str) -> str:
        parent = self.parent
        parent.setdefault(key, key)
        root = key
        while parent[root] != root:
            root = parent[root]
        while parent[key] != root:
            parent[key], key = root, parent[key]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            self.partner.setdefault(b, a)
            self.partner.setdefault(a, b)


_KEYS_SQL = """
with recs as (
    select source_customer_id as cid, null::varchar as ref, email, phone, 1 as crm from customer_records
    union all
    select source_customer_id, attributes->>'$.customer_ref', null, null, 1 from customer_records
        where attributes->>'$.customer_ref' is not null and source_customer_id is not null
    union all
    select source_customer_id, null, email, phone, 0 from order_lines
    union all
    select source_customer_id, null, email, null, 0 from events
    union all
    select source_customer_id, null, email, null, 0 from feedback
    {batch}
)
select cid, ref, email, phone, max(crm) as crm
from recs
where cid is not null or ref is not null or email is not null or phone is not null
group by all
"""


def resolve_identities(con, batch_keys: bool = False) -> dict[str, int]:
    """Resolve every key of the workspace to one person; rewrite ``identity_merges``. Returns counts.

    Leaves the temp table ``_id_keys`` (key_kind, key_value, resolved) for the rows about to be inserted:
    with ``batch_keys``, the keys of those rows (temp table ``_batch_keys``) take part in the resolution, so
    new rows get their ``customer_id`` as they are written (see ``customer_id_sql``) instead of by an update of
    the whole table. Rows already stored are updated only where their person changed. Call
    :func:`finish_identities` once the new rows are in. Runs inside the caller's transaction.
    """
    # _batch_keys (cid, ref, email, phone, crm): the keys of the rows about to be inserted, made by the loader
    batch = "union all select cid, ref, email, phone, crm from _batch_keys" if batch_keys else ""
    rows = con.execute(_KEYS_SQL.replace("{batch}", batch)).fetchall()
    uf = _UnionFind()
    crm_ids: set[str] = set()
    all_keys: set[str] = set()
    single: set[str] = set()
    for cid, ref, email, phone, crm in rows:
        keys = []
        if cid is not None:
            keys.append("id\x1f" + cid)
            if crm == 1:
                crm_ids.add(cid)
        if ref is not None:
            keys.append("id\x1f" + ref)
        if email is not None and _EMAIL_OK.match(email):
            keys.append("email\x1f" + email)
        if phone is not None and phone.startswith("+"):
            keys.append("phone\x1f" + phone)
        if len(keys) == 1:
            single.add(keys[0])
            continue
        for k in keys:
            uf.find(k)
        for k in keys[1:]:
            uf.union(keys[0], k)
        all_keys.update(keys)
    # most keys only ever appear alone (a customer id and nothing else): each is its own person, no union needed
    single -= all_keys

    order = {"id": 1, "email": 2, "phone": 3}

    def rank(key: str):
        kind, value = key.split("\x1f", 1)
        prio = 0 if kind == "id" and value in crm_ids else order[kind]
        return prio, value

    best: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for key in all_keys:
        root = uf.find(key)
        members.setdefault(root, []).append(key)
        if root not in best or rank(key) < rank(best[root]):
            best[root] = key

    kinds, values, resolved = [], [], []
    for key in single:
        kind, value = key.split("\x1f", 1)
        kinds.append(kind)
        values.append(value)
        resolved.append(value)
    merges = []
    labels = {"id": "customer id", "email": "e-mail", "phone": "phone"}
    for root, keys in members.items():
        rep = best[root].split("\x1f", 1)[1]
        for key in keys:
            kind, value = key.split("\x1f", 1)
            kinds.append(kind)
            values.append(value)
            resolved.append(rep)
            if len(keys) > 1 and key != best[root]:
                partner = uf.partner.get(key)
                pk, pv = partner.split("\x1f", 1) if partner else ("id", rep)
                merges.append((rep, value, kind,
                               f"{labels[kind]} {value} appears on the same record as {labels[pk]} {pv}"))

    key_map = pd.DataFrame({"key_kind": pd.Series(kinds, dtype="string"),
                            "key_value": pd.Series(values, dtype="string"),
                            "resolved": pd.Series(resolved, dtype="string")})
    con.register("_identity_keys", key_map)
    try:
        con.execute("create or replace temp table _id_keys as select * from _identity_keys")
    finally:
        con.unregister("_identity_keys")
    for table in TABLES:  # fixed table names, never user text
        has_phone = table in ("order_lines", "customer_records")
        # every key of a record resolves to the same person, so the first key present decides; only rows whose
        # key changes are written
        con.execute(f"""update "{table}" as t set customer_id = k.resolved from _id_keys k
            where t.source_customer_id is not null and k.key_kind = 'id' and k.key_value = t.source_customer_id
              and t.customer_id is distinct from k.resolved""")
        con.execute(f"""update "{table}" as t set customer_id = k.resolved from _id_keys k
            where t.source_customer_id is null and t.email is not null
              and k.key_kind = 'email' and k.key_value = t.email and t.customer_id is distinct from k.resolved""")
        if has_phone:
            con.execute(f"""update "{table}" as t set customer_id = k.resolved from _id_keys k
                where t.source_customer_id is null and t.email is null and t.phone is not null
                  and k.key_kind = 'phone' and k.key_value = t.phone and t.customer_id is distinct from k.resolved""")
    con.execute("delete from identity_merges")
    if merges:
        merged = pd.DataFrame(merges, columns=["customer_id", "merged_key", "key_kind", "reason"])
        con.register("_identity_merges", merged)
        try:
            con.execute("insert into identity_merges select * from _identity_merges")
        finally:
            con.unregister("_identity_merges")
    return {"keys": len(all_keys) + len(single), "people": len(members) + len(single), "merged_keys": len(merges)}


def customer_id_sql(alias: str, has_phone: bool) -> tuple[str, str]:
    """(joins, expression): the resolved ``customer_id`` of rows in ``alias`` (columns f_customer_id, f_email,
    f_phone) from ``_id_keys`` — the same rule as the update of stored rows: the first key present decides."""
    joins = (f" left join _id_keys _ki on _ki.key_kind = 'id' and _ki.key_value = {alias}.f_customer_id"
             f" left join _id_keys _ke on _ke.key_kind = 'email' and _ke.key_value = {alias}.f_email")
    expr = (f"case when {alias}.f_customer_id is not null then _ki.resolved "
            f"when {alias}.f_email is not null then _ke.resolved")
    if has_phone:
        joins += f" left join _id_keys _kp on _kp.key_kind = 'phone' and _kp.key_value = {alias}.f_phone"
        expr += " else _kp.resolved"
    return joins, expr + " end"


def finish_identities(con) -> None:
    """After the new rows are in: guest flags, events and feedback placed by order number; drops ``_id_keys``."""
    con.execute("update order_lines set is_guest = customer_id is null where is_guest <> (customer_id is null)")
    for table in ("events", "feedback"):
        if not con.execute(f'select count(*) from "{table}" where customer_id is null and order_id is not null '
                           'and source_customer_id is null and email is null').fetchall()[0][0]:
            continue
        con.execute(f"""
            update "{table}" as t set customer_id = o.customer_id
            from (select order_id, min(customer_id) as customer_id from order_lines
                  where customer_id is not null group by order_id) as o
            where t.customer_id is null and t.order_id = o.order_id
        """)
    con.execute("drop table if exists _id_keys")


def merges_frame(con) -> pd.DataFrame:
    """What identity resolution merged and why, for the owner to read."""
    return con.execute("select customer_id, merged_key, key_kind, reason from identity_merges "
                       "order by customer_id, key_kind, merged_key").df()
