"""The Upload page's list of what each loaded file's report warns about (``FileReport.warnings``: values that
cannot be right, amounts that cannot be read…), in the owner's words. Identical rows kept have their own notice
with a choice (:mod:`insights.ui.identical_rows`)."""

from __future__ import annotations

import streamlit as st

from insights.core.markdown import escape_markdown

IDENTICAL = "identical row"


def file_warnings(report) -> None:
    """One warning box per file with warnings (the identical-rows one is left to its own notice)."""
    for f in report.files:
        shown = [w for w in getattr(f, "warnings", []) if IDENTICAL not in w.split("—")[0]]
        if shown:
            # warnings quote file names and cell values from the owner's files
            st.warning(f"**{escape_markdown(f.name)}**\n\n" + "\n\n".join(f"- {escape_markdown(w)}" for w in shown))
