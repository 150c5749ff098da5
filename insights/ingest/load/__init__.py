"""Loading prepared files into a workspace, with every row accounted for.

For each file: the mapped columns are parsed into typed values (``insights.ingest.values``, vectorised)
while DuckDB hashes the raw rows on a second cursor; numpy masks then decide, per row, one of

* **rejected** — a required value is missing or unreadable, or a value cannot be right (``bad_values``: a score
  off its scale, a zero quantity, a negative price on a sale, a date years away from the rest) (``rejects``:
  row, column, value, reason), or the reader could not split the row into the header's columns (ragged row);
* **set aside** — an exact duplicate of an earlier row of the same file where the file has an order number,
  event id or answer id (elsewhere identical rows are kept and reported: they can be two real purchases), or a
  row already loaded from an earlier file or an earlier file of the same upload (same ``row_hash``, matched by
  multiplicity: next month's export overlapping this one);
* **loaded** — through ``sql/staging/<table>.sql`` into the canonical table. The staging SQL reads the temp
  view ``_incoming`` over the typed Arrow table (revenue, the status flag and the hash are added there): no
  temp table is written and no row is updated.

so that ``rows_read = rows_loaded + rows_rejected + rows_set_aside`` for every file. Revenue reconciles:
``revenue_read`` (quantity × unit price, or the line total, over every line whose amount is readable) =
``revenue_loaded + revenue_set_aside + revenue_rejected + revenue_excluded_by_status + revenue_refunded`` (a
refund written beside its sale, e.g. Stripe's ``Amount Refunded``, is taken off that line), all in
``DECIMAL(18,4)`` — never float sums.

A file with order numbers and dates but no products or prices (Olist's ``orders`` table) is an *orders
table*: loaded together with an order-lines file, it completes those lines (customer, date, status,
delivery dates) by order number; its rows count as loaded when some line used them.

One load is one transaction: all files or none. Every file is classified first; identity resolution then
runs over the workspace's keys and the new rows' keys together, so each new row is written once with its
``customer_id`` (stored rows are updated only where their person changed); marts are rebuilt last, in the same
transaction.

Modules, in the order a load uses them: ``batch`` (:func:`load_prepared`, the transaction), ``loader`` (one
upload's files, one at a time), ``parse`` (a column's text into typed values), ``stage`` (a file into typed
columns), ``vendor_rows`` (the row rules of vendor layouts: date + time, till summary rows, failed payments,
refunds, sessions), ``order_headers`` (orders tables), ``rules`` (tables, checks and fates per kind), ``bad_values``
(values that cannot be right), ``hashing`` (row
hashes, duplicates, rows already loaded), ``classify`` (each row's fate), ``accounting`` (rejects and set-aside
rows, the counts), ``incoming`` (the view the staging SQL reads), ``identity`` (one customer key across
files), ``memory`` (remembered mappings), ``report`` (what the owner is told), ``health`` (what the owner
should know about the loaded data) and ``undo`` (the latest load taken back: its files, rows and identities).
"""

from __future__ import annotations

from insights.ingest.load.batch import Progress, gc_paused, load_prepared
from insights.ingest.load.health import HealthItem, health_report
from insights.ingest.load.parse import DISTINCT_PARSE_MIN_ROWS, parse_field
from insights.ingest.load.report import FileReport, IngestReport, rejects_frame, set_aside_frame, workspace_summary
from insights.ingest.load.rules import ID_COLUMN, KEEP, REJECTED, SET_ASIDE, TABLE_FOR_KIND

__all__ = ["load_prepared", "gc_paused", "Progress", "FileReport", "IngestReport", "workspace_summary",
           "rejects_frame", "set_aside_frame", "HealthItem", "health_report", "parse_field",
           "DISTINCT_PARSE_MIN_ROWS", "TABLE_FOR_KIND", "ID_COLUMN", "KEEP", "REJECTED", "SET_ASIDE"]
