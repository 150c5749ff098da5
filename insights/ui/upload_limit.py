"""The browser's upload limit (Streamlit's ``server.maxUploadSize``, set in .streamlit/config.toml) and the
command line that loads a larger file from disk instead."""

from __future__ import annotations

import shlex
from pathlib import Path

import streamlit as st


def upload_limit_mb() -> int:
    """The largest file the browser may upload, in MB (Streamlit's ``server.maxUploadSize``)."""
    return int(st.get_option("server.maxUploadSize"))


def ingest_command(workspace_path: Path | None, file_name: str = "YOUR_FILE.csv") -> str:
    """The command that loads ``file_name`` into the workspace at ``workspace_path`` from a terminal."""
    folder = str(workspace_path) if workspace_path else "PATH/TO/WORKSPACE"
    return f"python -m insights ingest {shlex.quote(file_name)} --workspace {shlex.quote(folder)}"


def larger_files_note(workspace_path: Path | None) -> None:
    """Say what the browser takes and how to load a larger file; the command is shown as code, not markdown."""
    limit = upload_limit_mb()
    with st.expander(f"A file over {limit:,} MB?"):
        st.write(f"The browser uploads files up to {limit:,} MB (larger ones are refused before they reach "
                 "Clueboard). Load a larger file from a terminal on this machine instead: it is read from disk, and "
                 "the only limits are this machine's memory and disk space.")
        st.code(ingest_command(workspace_path), language="bash")
