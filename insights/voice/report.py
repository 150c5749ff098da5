"""The voice of the customer of a workspace in one object: the scores, their trend and groups, what the
comments say, and how it joins to value. :func:`voice_report` is what the page and ``python -m insights voice``
show."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from insights.voice.comments import LANGUAGE_NAMES, SENTIMENT_LANGUAGES, languages, sentiment, themes
from insights.voice.groups import by_group, by_period
from insights.voice.responses import responses
from insights.voice.scores import nps, satisfaction
from insights.voice.value import late_delivery_scores, value_by_group


@dataclass
class VoiceReport:
    answers: pd.DataFrame                       # one row per answer, with language, sentiment and theme
    nps: dict
    csat: dict
    by_period: list[dict]
    by_group: list[dict]
    themes: list[dict]
    value: dict
    languages: dict                             # language code -> comments
    main_language: str | None
    late_delivery: dict | None
    notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return self.answers.empty

    def to_dict(self) -> dict:
        """The ``--json`` contract (see the voice issue)."""
        return {"nps": self.nps, "csat": self.csat, "by_period": self.by_period, "by_group": self.by_group,
                "themes": [{k: t[k] for k in ("label", "keywords", "responses", "customers", "mean_score", "nps",
                                              "nps_impact", "examples")} for t in self.themes],
                "value": self.value, "languages": self.languages, "main_language": self.main_language,
                "sentiment_supported": self.main_language in SENTIMENT_LANGUAGES,
                "late_delivery": self.late_delivery, "notes": self.notes}


def voice_report(ws, n_themes: int | None = None, period: str = "month") -> VoiceReport:
    """Everything the Customer feedback page and the ``voice`` command show; ``by_period`` per ``period`` (week,
    month or quarter)."""
    answers = responses(ws)
    notes: list[str] = []
    if answers.empty:
        return VoiceReport(answers, nps([]).to_dict(), satisfaction([]).to_dict(), [], [], [], value_by_group(ws),
                           {}, None, None, ["No survey answers or reviews are loaded yet."])
    answers["language"], main = languages(answers["text"])
    answers["sentiment"] = sentiment(answers["text"], answers["language"])
    found, assignment = themes(answers, main, n_themes=n_themes)
    answers["theme"] = assignment
    counts = answers["language"].value_counts()
    unsupported = int(answers["language"].notna().sum() - answers["language"].isin(SENTIMENT_LANGUAGES).sum())
    if unsupported:
        names = ", ".join(LANGUAGE_NAMES.get(code, code) for code in counts.index if code not in SENTIMENT_LANGUAGES)
        notes.append(f"{unsupported:,} comments are in {names}: the sentiment model reads English only, so they "
                     "have no sentiment score (they are not counted as neutral).")
    if main and main not in SENTIMENT_LANGUAGES and found:
        notes.append(f"Themes are found among the {LANGUAGE_NAMES.get(main, main)} comments.")
    scored = answers[answers["scale"] == "nps"]
    rated = answers[answers["scale"] == "rating"]
    late = late_delivery_scores(answers)
    return VoiceReport(answers, nps(scored["score"]).to_dict(), satisfaction(rated["score"]).to_dict(),
                       by_period(answers, period), by_group(answers), found, value_by_group(ws),
                       {str(k): int(v) for k, v in counts.items()}, main, late, notes)


def sentiment_separation(answers: pd.DataFrame) -> float | None:
    """How well sentiment tells 5-star from 1–2-star reviews: the share of (5-star, low) pairs the sentiment orders
    right (ROC AUC), over English comments; None when either side is empty."""
    from_scores = answers[(answers["scale"] == "rating") & answers["sentiment"].notna()]
    high = from_scores.loc[from_scores["score"] == 5, "sentiment"].astype(float).to_numpy()
    low = from_scores.loc[from_scores["score"] <= 2, "sentiment"].astype(float).to_numpy()
    if not len(high) or not len(low):
        return None
    ranks = pd.Series(np.concatenate([high, low])).rank().to_numpy()
    return float((ranks[:len(high)].sum() - len(high) * (len(high) + 1) / 2) / (len(high) * len(low)))
