"""Streamlit glue: the only part of ``insights`` that imports streamlit."""
