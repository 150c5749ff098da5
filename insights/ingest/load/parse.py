"""One mapped column of text parsed into typed values (:func:`parse_field`), with its unreadable and empty cells.

The field's kind of value (date, number, yes/no, id or text) decides the parser of ``insights.ingest.values``
and the Arrow type the column gets; a long column is parsed once per distinct value.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from insights.ingest.mapping.fields import BOOL_FIELDS, DATE_FIELDS, ID_FIELDS, NUMBER_FIELDS
from insights.ingest import values as V


def field_type(fld: str) -> str:
    """The kind of value a canonical field holds: ``date``, ``number``, ``bool``, ``id`` or ``text``."""
    if fld in DATE_FIELDS:
        return "date"
    if fld in NUMBER_FIELDS:
        return "number"
    if fld in BOOL_FIELDS:
        return "bool"
    if fld in ID_FIELDS:
        return "id"
    return "text"


ARROW_TYPES = {"date": pa.timestamp("us"), "number": pa.decimal128(18, 4), "bool": pa.bool_(),
               "id": pa.string(), "text": pa.string()}


def _as_mask(values, n: int) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    if isinstance(values, (pa.Array, pa.ChunkedArray)):
        values = values.to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=bool)


def _as_arrow(values, typ: pa.DataType) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not isinstance(values, pa.Array):
        values = pa.array(values)
    if values.type != typ:
        if pa.types.is_floating(values.type) and pa.types.is_decimal(typ):
            values = pc.round(values, 4)
        values = values.cast(typ, safe=False)
    return values


DISTINCT_PARSE_MIN_ROWS = 20_000   # below this, parsing every value is as quick as finding the distinct ones


def dictionary_encode(column: pa.Array | pa.ChunkedArray) -> pa.DictionaryArray:
    """One dictionary array for a column, chunked or not (a chunked column is encoded with one shared
    dictionary, so only its small int32 codes are joined)."""
    encoded = pc.dictionary_encode(column)
    if isinstance(encoded, pa.DictionaryArray):
        return encoded
    chunks = encoded.chunks
    if not chunks:
        return pc.dictionary_encode(pa.array([], column.type))
    dictionary = chunks[0].dictionary
    if not all(c.dictionary is dictionary or c.dictionary.equals(dictionary) for c in chunks[1:]):
        return pc.dictionary_encode(column.combine_chunks())
    return pa.DictionaryArray.from_arrays(pa.concat_arrays([c.indices for c in chunks]), dictionary)


def parse_field(fld: str, column: pa.Array | pa.ChunkedArray, date_format=None):
    """(typed arrow array, unreadable mask, empty mask) for one mapped column.

    Order numbers, customer ids, prices and timestamps repeat a lot in a real export (Online Retail: 541,909
    lines, 25,900 invoices, 4,372 customers, 23,260 timestamps), so a long text column is parsed once per
    distinct value and the results are spread back over the rows. Date formats are decided on the whole
    column, number formats on its distinct values (the same evidence), so the outcome equals parsing every row.
    """
    typ = field_type(fld)
    if len(column) >= DISTINCT_PARSE_MIN_ROWS and pa.types.is_string(column.type):
        encoded = dictionary_encode(column)
        if len(encoded.dictionary) <= len(column) // 4:
            if typ == "date" and date_format is None:
                date_format = V.detect_date_format(column)
            # the number format is read from the values that show it: the distinct values hold them all
            number_format = V.detect_number_format(encoded.dictionary) if typ == "number" else None
            values, bad, empty = parse_values(fld, typ, encoded.dictionary, date_format, number_format)
            if typ in ("id", "text") and values.equals(encoded.dictionary):
                # every distinct value is already clean text: the column is its own result
                return column, np.zeros(len(column), bool), column.is_null().to_numpy(zero_copy_only=False)
            codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
            missing = codes < 0                       # a null cell: empty, never an error
            safe = np.where(missing, 0, codes) if len(values) else np.zeros(len(codes), dtype=np.int64)
            if not len(values):                       # every cell is null
                return pa.nulls(len(column), ARROW_TYPES[typ]), np.zeros(len(column), bool), np.ones(len(column), bool)
            return (values.take(encoded.indices), np.where(missing, False, bad[safe]),
                    np.where(missing, True, empty[safe]))
    return parse_values(fld, typ, column, date_format, None)


def parse_values(fld: str, typ: str, column: pa.Array, date_format, number_format):
    """(typed arrow array, unreadable mask, empty mask) from parsing every value of ``column``."""
    n = len(column)
    if typ == "date":
        res = V.parse_dates(column, date_format)
    elif typ == "number":
        res = V.parse_numbers(column, number_format or V.detect_number_format(column))
    elif typ == "bool":
        res = V.parse_booleans(column)
    elif typ == "id":
        res = V.parse_ids(column)
    else:
        text = pc.utf8_trim_whitespace(column)
        empty = pc.fill_null(pc.equal(text, ""), True)
        text = pc.if_else(empty, pa.scalar(None, pa.string()), text)
        return text, np.zeros(n, dtype=bool), _as_mask(empty, n)
    return _as_arrow(res.values, ARROW_TYPES[typ]), _as_mask(res.errors, n), _as_mask(res.empty, n)
