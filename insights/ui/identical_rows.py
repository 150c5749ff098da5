"""The Upload page's choice about identical rows in files without an order, event or review number.

Such rows can be separate real purchases (a purchase log), views or answers, so the loader keeps them and the
file report counts them (``FileReport.identical_rows_kept``). Here the owner can set them aside before loading
(a checkbox) or after (one button: the last load is undone and the same files are loaded again with them set
aside)."""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from insights.core.markdown import escape_markdown
from insights.ingest import load_prepared
from insights.ingest.load.undo import undo_last_load
from insights.ui import session
from insights.ui import upload_steps

CHOICE_KEY = "clueboard_set_aside_identical"


def set_aside_choice() -> bool:
    """The checkbox beside the Load button: also set aside identical rows of files without an id?"""
    return st.checkbox("Set aside identical rows even in files without an order, event or review number",
                       key=CHOICE_KEY,
                       help="By default such rows are kept: in a purchase log without order numbers, two identical "
                            "rows can be two real purchases. Files with order numbers always have exact duplicates "
                            "set aside.")


def kept_notice(report, plans: Sequence) -> None:
    """Per file of ``report`` with identical rows kept: how many, the first ones, and a button that loads the
    same files again with them set aside (``plans``: the files of that load, kept by the Upload page)."""
    kept = [f for f in report.files if getattr(f, "identical_rows_kept", 0)]
    if not kept:
        return
    for f in kept:
        n = f.identical_rows_kept
        first = ", ".join(f"row {d['row']:,} = row {d['same_as_row']:,}" for d in f.identical_rows_first)
        st.info(f"**{escape_markdown(f.name)}**: {n:,} identical row{'s' if n != 1 else ''} kept — set them aside? "
                f"Nothing in the file tells them apart, so each counts separately ({escape_markdown(first)}"
                f"{' …' if n > len(f.identical_rows_first) else ''}).", icon="🟰")
    names = {f.name for f in report.files}
    same_files = len(plans) == len(names) and {p.name for p in plans} == names
    if st.button("Set them aside (undo this load and load the same files again)", key="clueboard_identical_redo",
                 disabled=not same_files,
                 help=None if same_files else "Add the same files above again to reload them."):
        ws = session.get_workspace()
        with st.spinner("Loading the files again with identical rows set aside…"):
            undo_last_load(ws)
            upload_steps.finish_load(ws, load_prepared(ws, plans, set_aside_identical=True), plans)
        st.rerun()
