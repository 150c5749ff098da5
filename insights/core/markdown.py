"""Text a customer supplied, shown in Streamlit markdown exactly as typed: one escaper for every page."""

from __future__ import annotations

import re

import pandas as pd

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>!|~$:#])")


def escape_markdown(text) -> str:
    """Customer-supplied text made literal for Streamlit markdown: a name like ``[win](http://x)``,
    ``![](http://tracker)``, ``**big**``, ``:red[...]`` or ``$x$`` is shown as typed, never as a link, an image,
    formatting or maths. (Pages never pass customer text with ``unsafe_allow_html``; this guards markdown too.)"""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")
