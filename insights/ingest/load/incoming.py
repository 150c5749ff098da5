"""The typed table of one file as the staging SQL sees it: the temp view ``_incoming``.

``_incoming`` is a view over the file's typed Arrow table (registered as ``_incoming_arrow``, never written to a
temp table) that adds each row's fate, its hash as a UUID, revenue and the status flag of a line whose status
says the sale was undone, and — once identities are resolved — each row's ``_customer_id``.
"""

from __future__ import annotations

import contextlib

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.core.db import ROW_GROUP_ROWS
from insights.ingest.load.identity import customer_id_sql
from insights.ingest.load.parse import dictionary_encode
from insights.ingest.load.rules import KEEP, TABLE_FOR_KIND
from insights.ingest.mapping.profiles import by_name

# a status that says the sale was undone: a line with such a status nets to zero (matched on the lower-cased text)
_STATUS_UNDONE = "(cancel|storn|annul|void|return|refund|retour)"


def _status_undone(status: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Per line: does its status say the sale was undone (cancelled, returned, refunded…)? Read once per
    distinct status (a null status says nothing)."""
    if status.null_count == len(status):
        return pa.array(np.zeros(len(status), dtype=bool))
    encoded = dictionary_encode(status)
    says = pc.match_substring_regex(pc.utf8_lower(encoded.dictionary), _STATUS_UNDONE)
    return pc.fill_null(says.take(encoded.indices), False)


def register(con, plan, staged, identity: bool = False) -> None:
    """``_incoming``: a temp view over the typed Arrow table, adding revenue, the status flag, the hash and,
    with ``identity`` (after :func:`~insights.ingest.load.identity.resolve_identities`), each row's resolved
    ``_customer_id``."""
    arrays = {"_idx": pa.array(np.arange(staged.n, dtype=np.int64)), "_row": pa.array(staged.rows, pa.int64()),
              **staged.columns,
              "_state": pa.array(staged.state, pa.int8()), "_keep": pa.array(staged.state == KEEP, pa.bool_()),
              "_hash_hi": staged.hash_hi, "_hash_lo": staged.hash_lo}
    if plan.kind == "transactions":
        profile = by_name(getattr(plan, "profile", None))
        if profile is not None and profile.refunds_as_rows:
            # the refund is its own negative row: the sale's row stays a sale whatever its status says
            arrays["_status_undone"] = pa.array(np.zeros(staged.n, dtype=bool))
        else:
            arrays["_status_undone"] = _status_undone(staged.columns["f_status"])
        if "_refund" not in arrays:
            arrays["_refund"] = pa.nulls(staged.n, pa.decimal128(18, 4))
    # in row-group-sized batches: DuckDB scans (and so writes) one batch per thread, so a 100k-line file is
    # written on every core instead of one (zero-copy slices)
    table = pa.table(arrays)
    con.register("_incoming_arrow", pa.Table.from_batches(table.to_batches(max_chunksize=ROW_GROUP_ROWS),
                                                          table.schema))
    if identity and "f_customer_id" in staged.columns:      # a catalog names no customer
        joins, customer = customer_id_sql("i", TABLE_FOR_KIND[plan.kind] in ("order_lines", "customer_records"))
    else:
        joins, customer = "", "null::varchar"
    # every name below is fixed text or a fixed field name; nothing comes from the file
    base = (f"select i.*, {customer} as _customer_id, "
            f"((i._hash_hi::uhugeint << 64) | i._hash_lo::uhugeint)::uuid as _hash from _incoming_arrow i{joins}")
    if plan.kind == "transactions":
        if plan.mapping.get("unit_price") is not None:
            revenue, price = "round(f_quantity * f_unit_price, 4)", "f_unit_price"
        elif plan.mapping.get("line_total") is not None:
            revenue = "f_line_total"
            price = ("case when f_quantity is null or f_quantity = 0 then 0::decimal(18,4) "
                     "else round(f_line_total / f_quantity, 4)::decimal(18,4) end")
        else:
            revenue, price = "null::decimal(18,4)", "f_unit_price"
        con.execute(f"""create or replace temp view _incoming as
            with based as ({base}),
            priced as (
                select * replace ({price} as f_unit_price), ({revenue})::decimal(18,4) as f_revenue from based),
            zeroed as (
                select *, coalesce(f_quantity > 0 and f_revenue > 0 and _status_undone, false) as _status_zeroed
                from priced)
            -- a refund written beside the sale (Stripe's Amount Refunded) takes back at most what the line sold
            select * replace (case when _status_zeroed or f_revenue is null or f_revenue <= 0 then 0::decimal(18,4)
                                   else least(coalesce(_refund, 0), f_revenue)::decimal(18,4) end as _refund)
            from zeroed""")
    else:
        con.execute(f"create or replace temp view _incoming as {base}")


def unregister(con) -> None:
    con.execute("drop view if exists _incoming")
    with contextlib.suppress(Exception):
        con.unregister("_incoming_arrow")
