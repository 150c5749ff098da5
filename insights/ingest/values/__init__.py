"""Turning text cells into dates, amounts, ids and yes/no — decided per column from the data, vectorised.

Every parser takes a column of text (``pa.Array``, ``pa.ChunkedArray``, ``pd.Series`` or a list) and returns
a :class:`ParseResult`: the typed values (``pa.Array``), an ``errors`` mask (a non-empty cell that could not
be read; its value is null) and an ``empty`` mask (null or only spaces). Nothing is guessed silently: an
impossible date (31/02/2024) is an error, not 2 March; an amount keeps its cents exactly
(``decimal128(18, 4)``, never a float).

Modules: ``column`` (a column of text cells, :class:`ParseResult`, the packaged queries run over a column),
``dates`` (:func:`detect_date_format`, :func:`parse_dates`), ``numbers`` (:func:`detect_number_format`,
:func:`parse_numbers`), ``ids`` (:func:`parse_ids`) and ``yes_no`` (:func:`parse_booleans`).
"""

from __future__ import annotations

from insights.ingest.values.column import SAMPLE_SIZE, ParseResult
from insights.ingest.values.dates import (DATE_ORDERS, SERIAL_RANGE, TIMESTAMP, UNIX_RANGE, DateFormat, date_share,
                                          detect_date_format, numbered_ids, parse_dates)
from insights.ingest.values.ids import parse_ids
from insights.ingest.values.numbers import (CURRENCY_CODES, CURRENCY_SYMBOLS, DECIMAL, NumberFormat,
                                            detect_number_format, parse_numbers)
from insights.ingest.values.yes_no import FALSE_WORDS, TRUE_WORDS, parse_booleans

__all__ = ["SAMPLE_SIZE", "TIMESTAMP", "DECIMAL", "ParseResult", "DATE_ORDERS", "SERIAL_RANGE", "UNIX_RANGE",
           "DateFormat", "detect_date_format", "date_share", "numbered_ids", "parse_dates", "CURRENCY_CODES", "CURRENCY_SYMBOLS",
           "NumberFormat", "detect_number_format", "parse_numbers", "parse_ids", "TRUE_WORDS", "FALSE_WORDS",
           "parse_booleans"]
