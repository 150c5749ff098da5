"""Is anything of a person left? Two checks an erasure's receipt reports:

- :func:`scan_tables`: every text and JSON column of every table of the workspace, for the person's e-mails,
  phones and names (contained, case-insensitive) and ids (whole values);
- :func:`scan_folder`: the bytes of every file in the workspace's folder (the database, its write-ahead log, the
  workspace's settings), for the same texts as UTF-8. DuckDB keeps deleted rows' bytes in the file until it is
  rewritten (:func:`insights.core.db.rewrite_file`), which this check would find.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from insights.core.db import find_text
from insights.core.workspace import connection


@dataclass
class ScanResult:
    """Where the person was still found: ``tables`` (table, column, rows) and ``files`` (file name, what kind of
    identifier). ``clean`` when neither holds anything. ``names_elsewhere``: rows holding only the person's name
    in tables of other people (another customer of the same name), counted apart since a name is not unique."""
    tables: list[dict] = field(default_factory=list)
    files: list[dict] = field(default_factory=list)
    names_elsewhere: list[dict] = field(default_factory=list)
    scanned_files: int = 0

    @property
    def clean(self) -> bool:
        """No e-mail, phone or id of the person anywhere; their name only where other rows hold it too."""
        unexplained = [f for f in self.files if set(f["kinds"]) - {"name"} or not self.names_elsewhere]
        return not self.tables and not unexplained

    def to_dict(self) -> dict:
        return {"clean": self.clean, "tables": self.tables, "files": self.files,
                "names_elsewhere": self.names_elsewhere, "scanned_files": self.scanned_files}


def scan_tables(ws_or_con, identifiers: dict[str, set[str]]) -> tuple[list[dict], list[dict]]:
    """(columns holding an e-mail, phone or id of the person; columns holding only their name)."""
    con = connection(ws_or_con)
    unique = sorted(identifiers.get("email", set()) | identifiers.get("phone", set()))
    exact = sorted(identifiers.get("customer_id", set()))
    names = sorted(identifiers.get("name", set()))
    return find_text(con, unique, exact), find_text(con, names)


def scan_folder(folder: Path | None, identifiers: dict[str, set[str]]) -> tuple[list[dict], int]:
    """(files of ``folder`` whose bytes hold one of the identifiers, with which kind; files scanned). Ids are
    left out: a short id such as ``C10001`` is also a run of bytes in unrelated data."""
    if folder is None:
        return [], 0
    needles = [(kind, value) for kind in ("email", "phone", "name")
               for value in sorted(identifiers.get(kind, set())) if value]
    found, scanned = [], 0
    for path in sorted(Path(folder).rglob("*")):
        if not path.is_file():
            continue
        scanned += 1
        data = path.read_bytes()
        lowered = data.lower()
        kinds = sorted({kind for kind, value in needles
                        if value.encode("utf-8") in data or value.lower().encode("utf-8") in lowered})
        if kinds:
            found.append({"file": path.name, "kinds": kinds})
    return found, scanned


def scan(ws, identifiers: dict[str, set[str]]) -> ScanResult:
    """Both checks over ``ws`` (its folder's bytes only when it has one)."""
    tables, names = scan_tables(ws, identifiers)
    files, scanned = scan_folder(getattr(ws, "path", None), identifiers)
    name_tables = {(t["table"], t["column"]) for t in tables}
    return ScanResult(tables, files, [n for n in names if (n["table"], n["column"]) not in name_tables], scanned)
