"""Row hashes and the rows they find again.

A row's hash is md5 of the file kind and every cell of the row as read (joined by the unit separator, chr 31):
equal rows have equal hashes, within a file and across files. It is kept as md5's 128-bit number split in two
``uint64`` halves while a file is classified, and stored as one UUID (``row_hash``). With it a row is found to
be an exact duplicate of an earlier row of its file (:func:`earlier_copies`), or already loaded (from an earlier
file, or an earlier file of the same upload: the temp table ``_batch_hashes``; :func:`already_loaded`).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from insights.core.db import quote_ident

_LOW_BITS = (1 << 20) - 1        # duplicate search: slots of a bit table indexed by a hash's low bits


def _col(i: int, ncols: int) -> str:
    names = [f"c{j}" for j in range(ncols)]
    return quote_ident(f"c{i}", names)


def hash_rows(cur, plan) -> tuple[pa.Array, pa.Array]:
    """md5 of the kind and every cell of the row as read (equal rows, equal hashes, within and across files),
    as md5's 128-bit number split in two ``uint64`` halves (stored as one UUID).

    ``cur``: a cursor of the workspace's connection (``core.db.cursor``), made by the caller's thread — making
    it runs a statement on the connection, which would race the caller's own. So that hashing can overlap
    with parsing (both release the GIL); it only reads the reader's Arrow table, never the workspace's tables.
    """
    data = plan.raw.data
    ncols = data.num_columns
    cells = ", ".join(f"coalesce({_col(i, ncols)}, '')" for i in range(ncols))
    cur.register("_raw_arrow", data)
    try:
        # a plain projection keeps the rows in order; identifiers are the reader's generated c0..cN (checked
        # by quote_ident), the kind is a bound value
        hashed = cur.sql(f"""select (h >> 64)::ubigint as hi, (h & 18446744073709551615::uhugeint)::ubigint as lo
            from (select md5_number(concat_ws(chr(31), $kind, {cells})) as h from _raw_arrow)""",
                         params={"kind": plan.kind}).to_arrow_table()
    finally:
        cur.unregister("_raw_arrow")
    return hashed.column("hi").combine_chunks(), hashed.column("lo").combine_chunks()


def earlier_copies(staged, candidate: np.ndarray) -> np.ndarray:
    """Per row, the row number of the first earlier identical row among ``candidate`` rows (NaN when none)."""
    hi = staged.hash_hi.to_numpy(zero_copy_only=False)
    lo = staged.hash_lo.to_numpy(zero_copy_only=False)
    earlier = np.full(staged.n, np.nan)
    # duplicates: rows whose upper half repeats are compared in full. The repeated halves are found by
    # sorting the values alone (5x quicker than an argsort or a hash table at 1M rows), then looked up
    cand = np.flatnonzero(candidate)
    halves = hi[cand]
    ordered = np.sort(halves)
    repeated = np.unique(ordered[1:][ordered[1:] == ordered[:-1]])
    if len(repeated):
        first: dict[tuple, int] = {}
        # rows holding one of the (few) repeated values: a 2^20-slot table of their low bits picks the rows
        # that may, np.isin checks those few (on all the rows it would sort them again)
        low = np.uint64(_LOW_BITS)
        slots = np.zeros(_LOW_BITS + 1, dtype=bool)
        slots[(repeated & low).astype(np.intp)] = True
        maybe = np.flatnonzero(slots[(halves & low).astype(np.intp)])
        suspects = cand[maybe[np.isin(halves[maybe], repeated)]]   # ascending = file order
        for i in suspects:
            key = (int(hi[i]), int(lo[i]))
            if key in first:
                earlier[i] = staged.rows[first[key]]
            else:
                first[key] = int(i)
    return earlier


def already_loaded(con, table: str, staged, candidate: np.ndarray) -> list[tuple[int, str]]:
    """(row index, file name) of ``candidate`` rows whose hash is in ``table`` or in an earlier file of this batch,
    matched by multiplicity: a row held twice already finds the first two of its copies among the candidates
    (a third copy is new)."""
    has_rows = bool(con.execute(f'select count(*) from (select 1 from "{table}" limit 1)').fetchall()[0][0])
    has_batch = bool(con.execute("select count(*) from _batch_hashes where tbl = ?", [table]).fetchall()[0][0])
    if not (has_rows or has_batch) or not candidate.any():
        return []
    # a table name from TABLE_FOR_KIND; the batch's table name is a bound value
    sources = []
    if has_rows:
        sources.append(f"""select t.row_hash as h, coalesce(f.name, t.source_file) as file_name
            from "{table}" t left join files f on f.file_id = t.source_file
            where t.row_hash in (select h from incoming)""")
    if has_batch:      # rows of an earlier file of this batch, not inserted yet
        sources.append("""select h, file_name from _batch_hashes
            where tbl = $tbl and h in (select h from incoming)""")
    idx = np.flatnonzero(candidate)
    hashes = pa.table({"_idx": pa.array(idx), "hi": staged.hash_hi.take(pa.array(idx)),
                       "lo": staged.hash_lo.take(pa.array(idx))})
    con.register("_hashes_arrow", hashes)
    try:
        found = con.execute(f"""
            with incoming as materialized (
                select _idx, ((hi::uhugeint << 64) | lo::uhugeint)::uuid as h from _hashes_arrow),
            prior as (select h, count(*) as copies, min(file_name) as file_name
                      from ({" union all ".join(sources)}) group by h),
            numbered as (select _idx, h, row_number() over (partition by h order by _idx) as copy from incoming)
            select i._idx, p.file_name from numbered i join prior p on p.h = i.h
            where i.copy <= p.copies order by i._idx""",
            {"tbl": table} if has_batch else {}).fetchall()
    finally:
        con.unregister("_hashes_arrow")
    return [(int(i), name) for i, name in found]
