"""What the comments say, computed on this machine: language, sentiment and themes.

- **Language** per distinct comment with ``py3langid`` (its model ships inside the package), among the languages
  shops here write in; a comment of fewer than :data:`SHORT_WORDS` words carries too little evidence and takes
  the language most comments are written in, and so does any comment the model does not put in another language
  with near certainty (:data:`SURE`) on at least :data:`SURE_WORDS` words.
- **Sentiment** with VADER (``vaderSentiment``: an English lexicon inside the package): compound score −1..1.
  A comment in another language is *unsupported* (None), never scored as neutral.
- **Themes**: TF-IDF over the comments of the main language, factorised by NMF (scikit-learn) into a few themes,
  each labelled by its top words; a comment belongs to its strongest theme when that weight is clearly above zero.
  Each theme's NPS impact is how many points the overall NPS would move without the theme's NPS answers
  (positive: the theme pulls the NPS down).
"""

from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from py3langid.langid import MODEL_FILE, LanguageIdentifier
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from insights.voice.scores import nps

LANGUAGES = ("en", "pt", "es", "de", "fr", "it", "nl")
LANGUAGE_NAMES = {"en": "English", "pt": "Portuguese", "es": "Spanish", "de": "German", "fr": "French",
                  "it": "Italian", "nl": "Dutch"}
SENTIMENT_LANGUAGES = ("en",)
SHORT_WORDS = 4
SURE, SURE_WORDS = 0.9999, 8       # another language than the main one only when this sure, on this many words
MIN_THEME_COMMENTS = 40        # fewer comments than this: no themes (they would be noise)
MAX_THEMES = 12
THEME_WEIGHT_MIN = 0.02
_WORD = re.compile(r"\w+", re.UNICODE)


@functools.lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """py3langid's model (shipped in the package), loaded once per process on first use (about a second)."""
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGUAGES))
    return identifier


@functools.lru_cache(maxsize=1)
def _analyzer() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()
def languages(texts: pd.Series) -> tuple[pd.Series, str | None]:
    """(language code per comment, the main language). Empty comments get None."""
    clean = texts.fillna("").astype(str).str.strip()
    distinct = pd.Series(clean[clean != ""].unique())
    if distinct.empty:
        return pd.Series([None] * len(texts), index=texts.index, dtype=object), None
    words = distinct.map(lambda t: len(_WORD.findall(t))).to_numpy()
    identifier = _identifier()
    found = [identifier.classify(t[:400]) for t in distinct]
    detected = pd.Series([lang for lang, _ in found])
    certainty = np.array([p for _, p in found])
    long_enough = words >= SHORT_WORDS
    main = (detected[long_enough] if long_enough.any() else detected).mode().iloc[0]
    # short comments, and any the model is not sure of, are read as the main language: one-line comments
    # ("Great quality, fast delivery.") are too short for character statistics to overrule what most say
    sure = long_enough & ((detected == main).to_numpy() | ((certainty >= SURE) & (words >= SURE_WORDS)))
    detected = detected.where(sure, main)
    lookup = dict(zip(distinct, detected))
    out = clean.map(lambda t: lookup.get(t) if t else None)
    return out, main


def sentiment(texts: pd.Series, language: pd.Series) -> pd.Series:
    """VADER compound score (−1..1) of each English comment; None for others (unsupported) and empty ones."""
    out = pd.Series([None] * len(texts), index=texts.index, dtype=object)
    supported = language.isin(SENTIMENT_LANGUAGES) & texts.notna()
    if not supported.any():
        return out
    analyzer = _analyzer()
    scored = {text: analyzer.polarity_scores(text)["compound"] for text in texts[supported].unique()}   # once each
    out[supported] = texts[supported].map(scored).astype(object)
    return out


def themes(answers: pd.DataFrame, main_language: str | None, n_themes: int | None = None,
           random_state: int = 0) -> tuple[list[dict], pd.Series]:
    """(themes, theme index per answer or -1). ``answers`` needs text, language, scale, score, score10,
    customer_id. Themes are found among the comments in the main language."""
    assignment = pd.Series(-1, index=answers.index)
    docs = answers[(answers["language"] == main_language) & answers["text"].notna()]
    if len(docs) < MIN_THEME_COMMENTS:
        return [], assignment
    vectorizer = TfidfVectorizer(stop_words=list(ENGLISH_STOP_WORDS) if main_language == "en" else None,
                                 max_df=0.5 if main_language == "en" else 0.25, min_df=3,
                                 ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b[^\W\d_]{3,}\b")
    try:
        x = vectorizer.fit_transform(docs["text"].astype(str))
    except ValueError:          # every word too rare or too common
        return [], assignment
    k = n_themes or int(np.clip(len(docs) // 100, 3, MAX_THEMES))
    k = min(k, x.shape[1] - 1, x.shape[0] - 1)
    if k < 2:
        return [], assignment
    model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=400)
    weights = model.fit_transform(x)
    vocabulary = np.asarray(vectorizer.get_feature_names_out())
    strongest = weights.argmax(axis=1)
    strong = weights.max(axis=1) > THEME_WEIGHT_MIN
    assignment.loc[docs.index[strong]] = strongest[strong]
    overall = nps(answers.loc[answers["scale"] == "nps", "score"])
    out = []
    for t in range(k):
        members = answers.loc[assignment == t]
        if members.empty:
            continue
        keywords = _keywords(model.components_[t], vocabulary)
        without = answers.loc[(assignment != t) & (answers["scale"] == "nps"), "score"]
        rest = nps(without)
        impact = (rest.score - overall.score) if overall.score is not None and rest.score is not None else None
        top = docs.index[strong & (strongest == t)]
        order = np.argsort(-weights[docs.index.get_indexer(top), t])
        examples = list(dict.fromkeys(docs.loc[top[order], "text"].astype(str)))[:3]
        scored = members["score10"].dropna()
        out.append({"theme": t, "label": ", ".join(keywords[:3]), "keywords": keywords,
                    "responses": int(len(members)), "customers": int(members["customer_id"].nunique()),
                    "mean_score": round(float(scored.mean()), 2) if len(scored) else None,
                    "nps": nps(members.loc[members["scale"] == "nps", "score"]).score,
                    "nps_impact": round(impact, 2) if impact is not None else None, "examples": examples})
    out.sort(key=lambda th: -th["responses"])
    return out, assignment


def _keywords(component: np.ndarray, vocabulary: np.ndarray, n: int = 6) -> list[str]:
    """The theme's top words, without a word already inside a chosen two-word phrase."""
    chosen: list[str] = []
    for idx in np.argsort(-component):
        word = str(vocabulary[idx])
        if any(word in c.split() or c in word.split() for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == n:
            break
    return chosen
