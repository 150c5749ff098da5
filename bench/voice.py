"""Comment benchmark: language, sentiment and themes of 100,000 survey comments, against a naive path.

    .venv/bin/python bench/voice.py                  # 100k comments
    .venv/bin/python bench/voice.py --comments 20000

The comments are NPS answers put together like the sample shop's (an opening, an optional detail naming one of 120
products, an optional close; late-delivery, happy and lukewarm phrase sets, each answer's score drawn to match),
so about a third of them are distinct texts, as in a real survey export where many answers repeat. Each path
runs in its own subprocess so that its peak memory (``VmHWM``) is its own:

- ``ours``: ``insights.voice.comments`` — the language of each *distinct* comment (py3langid), VADER sentiment
  per distinct English comment, then TF-IDF + NMF themes with their NPS impact. Target (2 cores): ≤ 20 s.
- ``naive``: the same libraries called once per comment (no de-duplication) and TF-IDF + NMF with
  scikit-learn's defaults (every word, no minimum document count) — what a first script would do.

The script prints both times side by side, the themes' labels and the share of comments each path put in the
same theme as its neighbours of the same phrase set (a rough check that the themes are the phrase sets).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench.memory import peak_rss_mb  # noqa: E402

TARGET_SECONDS = 20.0
OPENERS = {
    "late": ["Arrived a week late.", "Still waiting for my parcel.", "Delivery was late and nobody told me.",
             "The parcel came {days} days after the promised date.", "Shipping was slow and tracking never updated.",
             "Promised in 3 days, arrived {days} days late.", "Had to chase the late parcel twice."],
    "good": ["Great quality, fast delivery.", "Lovely products, will order again.", "Exactly as described.",
             "Beautiful packaging and quick shipping.", "Very happy with my order.", "Good value for money.",
             "Friendly service when I had a question.", "Super smooth from checkout to doorstep."],
    "meh": ["Okay, but a bit pricey.", "Colour slightly different from the photo.", "Average quality.",
            "Website was a bit confusing at checkout.", "Smaller than I expected.", "Packaging could use less plastic."],
}
DETAILS = {"late": ["The {product} itself is fine.", "It was meant to be a gift.", "No apology, no discount."],
           "good": ["The {product} is even nicer in person.", "The {product} was a perfect gift.", "Love the {product}."],
           "meh": ["The {product} is alright.", "It works, nothing special.", "Took a while to assemble."]}
CLOSERS = {"late": ["Very disappointed.", "Won't order again.", "Please fix your shipping."],
           "good": ["Thank you!", "Highly recommended.", "Will be back."],
           "meh": ["Might order again.", "We'll see."]}
PRODUCTS = [f"{kind} {size}" for kind in ("garden spade", "hose reel", "rake", "watering can", "lantern", "parasol",
                                         "chef's knife", "cast iron pan", "salad bowl", "vase", "rug", "pillow",
                                         "throw blanket", "bird feeder", "planter box", "olive tree", "bonsai",
                                         "candle set", "wall clock", "doormat")
            for size in ("", "(large)", "set", "mini", "xl", "classic")]
SCORES = {"late": [6, 6, 8, 9, 9, 8, 6, 3, 2, 1, 0.5], "good": [0, 0, 0, 0, 0, 0, 0, 3, 18, 25, 33],
          "meh": [1, 1, 2, 3, 6, 9, 10, 8, 2, 0, 0]}


def simulated_answers(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    moods = rng.choice(["late", "good", "meh"], size=n, p=[0.2, 0.55, 0.25])
    texts, scores = [], []
    for mood in moods:
        parts = [OPENERS[mood][rng.integers(len(OPENERS[mood]))]]
        if rng.random() < 0.6:
            parts.append(DETAILS[mood][rng.integers(len(DETAILS[mood]))])
        if rng.random() < 0.5:
            parts.append(CLOSERS[mood][rng.integers(len(CLOSERS[mood]))])
        texts.append(" ".join(parts).format(product=PRODUCTS[rng.integers(len(PRODUCTS))].strip(),
                                            days=int(rng.integers(2, 10))))
        weights = np.array(SCORES[mood], float)
        scores.append(int(rng.choice(11, p=weights / weights.sum())))
    return pd.DataFrame({"text": texts, "mood": moods, "score": scores, "score10": scores, "scale": "nps",
                         "customer_id": [f"c{i % (n // 3 + 1)}" for i in range(n)]})


def purity(assignment: pd.Series, moods: pd.Series) -> float:
    """Share of the comments given a theme whose theme's most common phrase set is their own."""
    given = assignment >= 0
    frame = pd.DataFrame({"theme": assignment[given], "mood": moods[given]})
    if frame.empty:
        return 0.0
    top = frame.groupby("theme")["mood"].agg(lambda m: m.value_counts().index[0])
    return float((frame["mood"] == frame["theme"].map(top)).mean())


def run_ours(answers: pd.DataFrame) -> dict:
    from insights.voice.comments import languages, sentiment, themes

    start, cpu = time.perf_counter(), time.process_time()
    answers["language"], main = languages(answers["text"])
    answers["sentiment"] = sentiment(answers["text"], answers["language"])
    found, assignment = themes(answers, main)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "themes": [t["label"] for t in found],
            "purity": round(purity(assignment, answers["mood"]), 3), "main_language": main}


def run_naive(answers: pd.DataFrame) -> dict:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    start, cpu = time.perf_counter(), time.process_time()
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    answers["language"] = [identifier.classify(t)[0] for t in answers["text"]]
    analyzer = SentimentIntensityAnalyzer()
    answers["sentiment"] = [analyzer.polarity_scores(t)["compound"] for t in answers["text"]]
    x = TfidfVectorizer().fit_transform(answers["text"])
    model = NMF(n_components=8, init="nndsvda", random_state=0, max_iter=400)
    weights = model.fit_transform(x)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assignment = pd.Series(np.where(weights.max(axis=1) > 0.02, weights.argmax(axis=1), -1), index=answers.index)
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2), "purity": round(purity(assignment, answers["mood"]), 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--path", choices=["ours", "naive"], default=None)
    args = parser.parse_args()
    if args.path:
        answers = simulated_answers(args.comments)
        result = (run_ours if args.path == "ours" else run_naive)(answers)
        result.update(path=args.path, comments=len(answers), distinct=int(answers["text"].nunique()),
                      peak_mb=round(peak_rss_mb()))
        print(json.dumps(result))
        return
    results = {}
    for path in ("ours", "naive"):
        out = subprocess.run([sys.executable, __file__, "--comments", str(args.comments), "--path", path],
                             capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(out.stderr)
        results[path] = json.loads(out.stdout.strip().splitlines()[-1])
        verdict = "" if path != "ours" else " (target ≤ %.0f s: %s)" % (
            TARGET_SECONDS, "met" if results[path]["seconds"] <= TARGET_SECONDS else "MISSED")
        print(json.dumps(results[path]) + verdict, flush=True)
    ours, naive = results["ours"], results["naive"]
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"side by side: ours {ours['seconds']:.1f} s vs naive {naive['seconds']:.1f} s = "
          f"{naive['seconds'] / ours['seconds']:.1f}×; peak memory {ours['peak_mb']:,} MB vs {naive['peak_mb']:,} MB; "
          f"theme purity {ours['purity']:.0%} vs {naive['purity']:.0%}; CPU seconds {ours['cpu_seconds']:.1f} vs "
          f"{naive['cpu_seconds']:.1f}")


if __name__ == "__main__":
    main()
