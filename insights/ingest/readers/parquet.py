"""Parquet files: every column as the text a spreadsheet would show, rows numbered from 2."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa

from insights.ingest.errors import IngestError, UnsupportedFile
from insights.ingest.readers.cells import excel_text, to_text
from insights.ingest.readers.file_bytes import DEFAULT_MAX_BYTES, check_size
from insights.ingest.readers.layout import unique_headers
from insights.ingest.readers.table import RawTable


def read_parquet(data: bytes, name: str) -> RawTable:
    import pyarrow.parquet as pq
    try:
        meta = pq.ParquetFile(io.BytesIO(data)).metadata
        unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        check_size(name, unpacked, DEFAULT_MAX_BYTES, " once unpacked")
        table = pq.read_table(io.BytesIO(data))
    except IngestError:
        raise
    except Exception as err:  # pyarrow raises several error types for damaged files
        raise UnsupportedFile(name, expected="a readable Parquet file",
                              got=str(err).splitlines()[0][:100] if str(err) else type(err).__name__) from None
    headers = list(table.column_names)
    cols = [excel_text(to_text(c.combine_chunks())) for c in table.columns]
    body = pa.table({f"c{i}": c for i, c in enumerate(cols)})
    numbers = np.arange(2, body.num_rows + 2, dtype=np.int64)
    notes = ["Parquet file: rows are numbered from 2, as if its column names were row 1."]
    if body.num_rows == 0:
        notes.append("The file has columns but no data rows.")
    return RawTable(name=name, columns=unique_headers(headers), data=body, source_rows=pa.array(numbers, pa.int64()),
                    format="parquet", notes=notes)
