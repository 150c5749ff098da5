"""UCI's Online Retail as UCI ships it: `Online Retail.xlsx`, 541,909 rows, about 23 MB packed and 234 MB of XML
(9 times compressed). It used to be refused as a zip bomb before a row was read. Written here from the shared
CSV (real Excel dates and numbers, as UCI's workbook holds them; ``bench/retail_workbook.py`` writes the XML
openpyxl would, several times faster), loaded, and held against the CSV's load."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from bench.retail_workbook import write_online_retail_xlsx
from insights.core.workspace import Workspace
from insights.ingest import ingest_files

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loads(shared_data, tmp_path_factory):
    csv = shared_data / "uci_online_retail" / "online_retail.csv.gz"
    xlsx = write_online_retail_xlsx(tmp_path_factory.mktemp("uci") / "Online Retail.xlsx", csv)
    out = {}
    for name, path in (("csv", csv), ("xlsx", xlsx)):
        ws = Workspace.in_memory()
        out[name] = (ws, ingest_files(ws, [path]).files[0])
    yield xlsx, out
    for ws, _ in out.values():
        ws.close()


def test_the_workbook_is_shaped_like_ucis(loads):
    xlsx, _ = loads
    with zipfile.ZipFile(xlsx) as zf:
        unpacked = sum(i.file_size for i in zf.infolist())
    packed = xlsx.stat().st_size
    assert unpacked > 210e6 and 5 < unpacked / packed < 20      # over the old limit, an ordinary ratio


def test_the_workbook_loads_like_the_csv(loads):
    _, out = loads
    (csv_ws, csv_file), (xl_ws, xl_file) = out["csv"], out["xlsx"]
    assert xl_file.rows_read == csv_file.rows_read == 541_909
    assert (xl_file.rows_loaded, xl_file.rows_rejected, xl_file.rows_set_aside) == \
           (csv_file.rows_loaded, csv_file.rows_rejected, csv_file.rows_set_aside)
    assert xl_file.revenue_loaded == csv_file.revenue_loaded
    query = ("select count(distinct customer_id), count(distinct order_id), min(ordered_at), max(ordered_at), "
             "sum(revenue) from order_lines")
    assert xl_ws.con.execute(query).fetchall() == csv_ws.con.execute(query).fetchall()
    first, last = xl_ws.con.execute("select min(ordered_at), max(ordered_at) from order_lines").fetchall()[0]
    assert (first, last) == (dt.datetime(2010, 12, 1, 8, 26), dt.datetime(2011, 12, 9, 12, 50))
