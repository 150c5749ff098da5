import subprocess
import sys
import textwrap

import pytest

from insights.core.workspace import Workspace, list_workspaces, mart_names
from tests.helpers import workspace_from_tables


def test_create_list_rename_reopen_delete(tmp_path):
    root = tmp_path / "ws"
    ws = Workspace.create("Corner Shop", root=root)
    ws.con.execute("insert into workspace_meta values ('probe', 'kept')")
    ws.rename("Corner Shop Ltd")
    ws.close()
    [info] = list_workspaces(root)
    assert info.name == "Corner Shop Ltd"
    again = Workspace.open(info.path)
    assert again.con.execute("select value from workspace_meta where key='probe'").fetchone()[0] == "kept"
    again.delete()
    assert list_workspaces(root) == []


def test_workspace_file_is_written_in_small_row_groups_and_cursors_see_it(tmp_path):
    """Tables are stored in row groups of ROW_GROUP_ROWS rows, so that a 100k-row mart is written while it is
    built (on every core) rather than at commit; a cursor of the connection reads the same workspace."""
    from insights.core.db import ROW_GROUP_ROWS, cursor
    ws = Workspace.create("Shop", root=tmp_path)
    with ws.transaction() as con:
        con.execute("create table probe as select range as i from range(100000)")
    ws.close()
    again = Workspace.open(ws.path)             # the size is not kept in the file: every open passes it
    with again.transaction() as con:
        con.execute("create table probe2 as select range as i from range(100000)")
    for table in ("probe", "probe2"):
        groups = again.con.execute("select count(distinct row_group_id) from pragma_storage_info(?)",
                                   [table]).fetchall()[0][0]
        assert groups == -(-100000 // ROW_GROUP_ROWS)
    cur = cursor(again.con)
    assert cur.execute("select count(*) from probe").fetchall()[0][0] == 100000
    assert cur.execute("select current_database()").fetchall()[0][0] == again.con.execute(
        "select current_database()").fetchall()[0][0]
    again.close()


def test_one_workspace_opened_twice_in_a_process_is_one_database(tmp_path):
    """Two browser tabs on one local workspace: both see the same data; either can close first; once every
    connection is closed or dropped the file is released and opens again."""
    import gc

    from insights.core.db import _FILES
    first = Workspace.create("Shop", root=tmp_path)
    second = Workspace.open(first.path)
    first.con.execute("insert into workspace_meta values ('probe', 'from the first tab')")
    assert second.con.execute("select value from workspace_meta where key = 'probe'").fetchall() == [
        ("from the first tab",)]
    first.close()
    assert second.con.execute("select count(*) from workspace_meta where key = 'probe'").fetchall() == [(1,)]
    with pytest.raises(Exception, match="already open for writing"):
        Workspace.open(first.path, read_only=True)
    del second                                   # dropped without close: released when collected
    gc.collect()
    assert str((first.path / "clueboard.duckdb").resolve()) not in _FILES
    reader = Workspace.open(first.path, read_only=True)
    assert reader.con.execute("select value from workspace_meta where key = 'probe'").fetchall() == [
        ("from the first tab",)]
    reader.close()


def test_workspace_in_an_awkward_folder_name_opens(tmp_path):
    """The file path is a bound parameter of ATTACH, never SQL text: quotes in a folder name are harmless."""
    folder = tmp_path / "O'Brien's \"shop\"; drop table files; --"
    ws = Workspace.create_at(folder, "O'Brien")
    ws.con.execute("insert into workspace_meta values ('probe', 'kept')")
    ws.close()
    reader = Workspace.open(folder, read_only=True)
    assert reader.con.execute("select value from workspace_meta where key = 'probe'").fetchall() == [("kept",)]
    with pytest.raises(Exception, match="read-only|read only"):
        reader.con.execute("insert into workspace_meta values ('x', 'y')")
    reader.close()


def test_two_workspaces_with_same_name_get_separate_folders(tmp_path):
    a = Workspace.create("Shop", root=tmp_path)
    b = Workspace.create("Shop", root=tmp_path)
    assert a.path != b.path
    a.close(), b.close()


def test_sessions_do_not_share_data():
    one = workspace_from_tables(order_lines=[dict(order_id="A", customer_id="c1", ordered_at="2024-01-01",
                                                  quantity=1, unit_price="5")])
    two = Workspace.in_memory()
    two.build_marts()
    assert one.con.execute("select count(*) from orders").fetchone()[0] == 1
    assert two.con.execute("select count(*) from orders").fetchone()[0] == 0


def test_failed_transaction_leaves_previous_state(tmp_path):
    ws = Workspace.create("Shop", root=tmp_path)
    before = ws.content_hash()
    with pytest.raises(RuntimeError):
        with ws.transaction() as con:
            con.execute("insert into workspace_meta values ('half', 'written')")
            raise RuntimeError("crash mid-save")
    assert ws.con.execute("select count(*) from workspace_meta where key='half'").fetchone()[0] == 0
    assert ws.content_hash() == before


def test_killed_process_mid_write_leaves_previous_state_readable(tmp_path):
    ws = Workspace.create("Shop", root=tmp_path)
    with ws.transaction() as con:
        con.execute("insert into workspace_meta values ('committed', 'yes')")
    path = ws.path
    ws.close()
    # a second process starts a big write and is killed (os._exit) before committing
    script = textwrap.dedent(f"""
        import os
        from insights.core.workspace import Workspace
        ws = Workspace.open({str(path)!r})
        ws.con.execute("begin transaction")
        ws.con.execute("insert into workspace_meta select 'k' || i::varchar, 'v' from range(200000) t(i)")
        os._exit(9)
    """)
    proc = subprocess.run([sys.executable, "-c", script], cwd=str(__import__("pathlib").Path(__file__).parents[2]))
    assert proc.returncode == 9
    ws = Workspace.open(path)
    keys = {r[0] for r in ws.con.execute("select key from workspace_meta").fetchall()}
    assert "committed" in keys and "k1" not in keys
    ws.close()


def test_marts_build_core_first():
    names = mart_names()
    # the catalog's marts first: orders and customers name and categorise lines through them
    assert names[:5] == ["category_catalog", "product_catalog", "line_products", "orders", "customers"]


def test_orders_mart_takes_each_orders_most_common_channel_country_and_currency():
    line = dict(customer_id="c1", ordered_at="2024-01-01 10:00", quantity=1, unit_price="5.00")
    ws = workspace_from_tables(order_lines=[
        dict(line, order_id="A", country="France", channel="web", currency="EUR"),
        dict(line, order_id="A", country="Germany", channel="web", currency="EUR"),
        dict(line, order_id="A", country="France", channel=None, currency="EUR"),
        dict(line, order_id="B", country="Spain", channel=None, currency=None),
        dict(line, order_id="B", country=None, channel=None, currency=None),
        dict(line, order_id="C", country="Italy", channel="shop", currency="EUR"),
        dict(line, order_id="C", country="Italy", channel="web", currency="GBP"),
        dict(line, order_id="C", country="Italy", channel="shop", currency="GBP"),
    ])
    got = ws.con.execute("select order_id, country, channel, currency from orders order by order_id").fetchall()
    assert got == [("A", "France", "web", "EUR"), ("B", "Spain", None, None), ("C", "Italy", "shop", "GBP")]


def test_orders_mart_nets_cancellations_and_drops_wholly_cancelled_orders():
    ws = workspace_from_tables(order_lines=[
        dict(order_id="A", customer_id="c1", ordered_at="2024-01-01 10:00", quantity=2, unit_price="10.00"),
        dict(order_id="A", customer_id="c1", ordered_at="2024-01-03 10:00", quantity=-1, unit_price="10.00",
             is_return=True),
        dict(order_id="C1", customer_id="c1", ordered_at="2024-01-02", quantity=-3, unit_price="4.00",
             is_cancellation=True),
        dict(order_id="G", customer_id=None, ordered_at="2024-01-04", quantity=1, unit_price="7.50"),
    ])
    orders = ws.con.execute("select order_id, net_revenue, is_guest, is_order from orders order by order_id").fetchall()
    assert [(o, float(r), g, i) for o, r, g, i in orders] == [
        ("A", 10.0, False, True), ("C1", -12.0, False, False), ("G", 7.5, True, True)]
    c1 = ws.con.execute("select orders, net_revenue from customers where customer_id='c1'").fetchone()
    # the wholly cancelled id is not an order, but its negative revenue counts
    assert (c1[0], float(c1[1])) == (1, -2.0)
    total = ws.con.execute("select sum(net_revenue) from orders").fetchone()[0]
    assert float(total) == float(ws.con.execute("select sum(revenue) from order_lines").fetchone()[0])
