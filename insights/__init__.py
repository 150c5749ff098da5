"""Clueboard's analysis package: DuckDB SQL over a workspace, models, plotly figures.

Nothing here imports streamlit except :mod:`insights.ui`.
"""

__version__ = "0.1.0"
