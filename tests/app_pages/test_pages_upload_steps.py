"""The Upload page shows one step at a time: choose → check (confirm) → loaded, and nothing stale after a load."""

from tests.app_pages.helpers import open_upload_page

FIRST = ("Order ID,Order Date,Customer ID,Quantity,Unit Price\n"
         + "".join(f"A{i},2025-02-{1 + i:02d},C{i % 3},1,9.90\n" for i in range(20))
         + "A99,not a date,C1,1,9.90\n")                     # 1 of 21 rows rejected: the page asks first
SECOND = ("Order ID,Order Date,Customer ID,Quantity,Unit Price\n"
          + "".join(f"B{i},2025-03-{1 + i:02d},C{i % 3},2,5.00\n" for i in range(20)))


def _buttons(at) -> list[str]:
    return [b.label for b in at.button]


def _captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_after_a_load_the_page_shows_its_result_alone_then_an_empty_file_box(tmp_path, monkeypatch):
    at, ws = open_upload_page(tmp_path, monkeypatch)
    assert "**1 Choose files** → 2 Check → 3 Loaded" in _captions(at)
    at.file_uploader[0].set_value([("first.csv", FIRST.encode(), "text/csv")]).run()
    assert not at.exception
    assert "1 Choose files → **2 Check** → 3 Loaded" in _captions(at)
    assert not any(h.value == "Data health" for h in at.header)          # not while files are checked
    next(b for b in at.button if b.label.startswith("Confirm and load")).click().run()
    assert not at.exception and ws.row_counts()["order_lines"] == 20

    # 3 Loaded: the result of that load, and none of the form
    assert "1 Choose files → 2 Check → **3 Loaded**" in _captions(at)
    assert len(at.file_uploader) == 0 and not [e for e in at.expander if "first.csv" in e.label]
    assert not any(label.startswith(("Load 1", "Confirm and load")) for label in _buttons(at))
    assert not any("remembered from an earlier file" in s.value for s in at.success)
    assert [d.label for d in at.get("download_button")] == [
        "Download the 1 rejected rows of this load with their reasons (CSV)"]
    assert any(h.value == "What was loaded" for h in at.header) and any(h.value == "Data health" for h in at.header)

    # Load more files: an empty file box, no result of the earlier load
    next(b for b in at.button if b.label == "Load more files").click().run()
    assert len(at.file_uploader) == 1 and not at.file_uploader[0].value
    assert not any(h.value == "What was loaded" for h in at.header)
    at.file_uploader[0].set_value([("second.csv", SECOND.encode(), "text/csv")]).run()
    next(b for b in at.button if b.label == "Load 1 file").click().run()
    assert not at.exception and ws.row_counts()["order_lines"] == 40
    table = next(d.value for d in at.dataframe if "Rows read" in d.value.columns)
    assert list(table["File"]) == ["second.csv"]
    assert not at.get("download_button") or all("rejected" not in d.label for d in at.get("download_button"))


def test_a_result_is_not_shown_in_another_workspace(tmp_path, monkeypatch):
    from insights.core.workspace import Workspace
    from insights.ui.session import WORKSPACE_KEY
    at, ws = open_upload_page(tmp_path, monkeypatch)
    at.file_uploader[0].set_value([("second.csv", SECOND.encode(), "text/csv")]).run()
    next(b for b in at.button if b.label == "Load 1 file").click().run()
    assert any(h.value == "What was loaded" for h in at.header)
    at.session_state[WORKSPACE_KEY] = Workspace.create("Other", root=tmp_path / "home" / "workspaces")
    at.run()
    assert not at.exception
    assert not any(h.value == "What was loaded" for h in at.header) and len(at.file_uploader) == 1
