"""Plotly figures only. Analytics never imports charts."""
