"""The k-means model of behavioural clusters (scikit-learn conventions), over five per-customer measures.

- Input (one row per customer, see :func:`insights.customers.clusters.cluster_features`): customer_id and
  :data:`FEATURES` — recency_days, orders, net revenue, AOV and tenure_days. Each is ``log1p``-transformed
  (negative values clipped to 0: these are skewed, a few customers buy far more) and standardised.
- **k** is chosen by the mean silhouette score over k = ``k_min``..``k_max`` on a random sample of at most
  ``sample_size`` customers (fixed ``random_state``), then k-means is fitted on all customers with that k.
- Each cluster is described in plain words from how its median customer differs from the median customer
  (:func:`describe`): the descriptions are part of the fitted ``profiles_``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from insights.core.validation import validate_frame

FEATURES = ("recency_days", "orders", "net_revenue", "aov", "tenure_days")
FEATURE_WORDS = {
    "recency_days": ("bought recently", "have not bought for a long time"),
    "orders": ("order often", "order rarely"),
    "net_revenue": ("spend a lot", "spend little"),
    "aov": ("buy large baskets", "buy small baskets"),
    "tenure_days": ("have been customers for a long time", "became customers recently"),
}


# a cluster's short name: the phrase of each measure that sets it apart, the two strongest first
FEATURE_NAMES = {
    "orders": ("frequent buyers", "one-off buyers"),
    "aov": ("big baskets", "small baskets"),
    "recency_days": ("bought recently", "long ago"),
    "net_revenue": ("high spend", "low spend"),
    "tenure_days": ("long-standing", "new"),
}


class ClusterDataError(ValueError):
    """The customer table cannot be clustered (which column, what was expected)."""


def validate_features(frame: pd.DataFrame, features=FEATURES) -> None:
    """One validator for the input frame, with specific messages (:func:`insights.core.validation.validate_frame`)."""
    validate_frame(frame, required=("customer_id",), numeric=features, non_null=("customer_id",),
                   name="the customer table", error=ClusterDataError)


def _transform(frame: pd.DataFrame, features) -> np.ndarray:
    x = frame[list(features)].astype(float).to_numpy()
    return np.log1p(np.clip(x, 0, None))


class CustomerClusters:
    """k-means on scaled log features, k by silhouette (scikit-learn conventions).

    ``fit(features)`` takes :func:`insights.customers.clusters.cluster_features`' output and sets ``k_``,
    ``silhouette_`` (k → score), ``scaler_``, ``model_``, ``profiles_`` (one row per cluster: customers, share,
    median of each feature, description). ``predict(features)`` returns cluster numbers. No customer data is kept
    after fitting.
    """

    def __init__(self, *, k: int | None = None, k_min: int = 2, k_max: int = 8, sample_size: int = 2000,
                 features=FEATURES, random_state: int = 0):
        self.k = k
        self.k_min = k_min
        self.k_max = k_max
        self.sample_size = sample_size
        self.features = features
        self.random_state = random_state

    def fit(self, frame: pd.DataFrame) -> "CustomerClusters":
        # One thread: on five features and up to a few hundred thousand customers, k-means is faster without
        # OpenMP's start-up and far faster on a busy two-core server (measured: 0.4 s vs 0.9-7 s on 4,339
        # customers). Results do not depend on the thread count.
        with threadpool_limits(limits=1):
            return self._fit(frame)

    def _fit(self, frame: pd.DataFrame) -> "CustomerClusters":
        validate_features(frame, self.features)
        n = len(frame)
        if n < 3:
            raise ClusterDataError(f"clustering needs at least 3 customers with orders; got {n}")
        x = _transform(frame, self.features)
        self.scaler_ = StandardScaler().fit(x)
        z = self.scaler_.transform(x)
        rng = np.random.default_rng(self.random_state)
        sample = z if n <= self.sample_size else z[rng.choice(n, self.sample_size, replace=False)]
        # distinct points on the sample (cheap): k cannot exceed them
        distinct = len(np.unique(sample.round(9), axis=0))
        k_max = min(self.k_max, distinct - 1 if distinct > 2 else 2, n - 1)
        self.silhouette_ = {}
        searched = {}
        if self.k is not None:
            self.k_ = int(self.k)
        else:
            for k in range(self.k_min, max(self.k_min, k_max) + 1):
                km = KMeans(n_clusters=k, n_init=4, random_state=self.random_state).fit(sample)
                if len(set(km.labels_)) < 2:
                    continue
                self.silhouette_[k] = float(silhouette_score(sample, km.labels_))
                searched[k] = km
            self.k_ = max(self.silhouette_, key=self.silhouette_.get) if self.silhouette_ else self.k_min
        if self.k_ in searched and n > len(sample):
            # all customers, started from the sample's centres: one run instead of four (3x faster at 350k)
            init = searched[self.k_].cluster_centers_
            self.model_ = KMeans(n_clusters=self.k_, init=init, n_init=1, random_state=self.random_state).fit(z)
        elif self.k_ in searched:
            self.model_ = searched[self.k_]          # the sample was everyone
        else:
            self.model_ = KMeans(n_clusters=self.k_, n_init=4, random_state=self.random_state).fit(z)
        labels = self.model_.labels_
        self.profiles_ = self._profiles(frame, labels)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "model_"):
            raise RuntimeError("CustomerClusters is not fitted yet: call fit(features) first")

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        self._check_fitted()
        validate_features(frame, self.features)
        return self.model_.predict(self.scaler_.transform(_transform(frame, self.features)))

    def _profiles(self, frame: pd.DataFrame, labels: np.ndarray) -> pd.DataFrame:
        overall = frame[list(self.features)].median()
        rows = []
        for c in sorted(set(labels)):
            members = frame.loc[labels == c, list(self.features)]
            med = members.median()
            rows.append({"cluster": int(c), "customers": int(len(members)), "share": len(members) / len(frame),
                         **{f: float(med[f]) for f in self.features},
                         "name": short_name(med, overall), "description": describe(med, overall)})
        out = pd.DataFrame(rows).sort_values("customers", ascending=False).reset_index(drop=True)
        # two clusters may differ on the same measures in the same way: a third phrase, then a number, tells
        # them apart
        for name, group in out.groupby("name"):
            if len(group) > 1:
                for idx in group.index:
                    c = out.at[idx, "cluster"]
                    med = frame.loc[labels == c, list(self.features)].median()
                    out.at[idx, "name"] = short_name(med, overall, phrases=3)
        seen: dict[str, int] = {}
        for idx in out.index:
            name = out.at[idx, "name"]
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:
                out.at[idx, "name"] = f"{name} ({seen[name]})"
        return out


def short_name(median: pd.Series, overall: pd.Series, factor: float = 1.5, phrases: int = 2) -> str:
    """A cluster's name in a few words ("Frequent buyers, small baskets", "One-off buyers, long ago"): the
    phrases of the measures on which its median customer differs most from the median customer (at least
    ``factor`` times, or at most 1/``factor``), strongest first; "Typical customers" when none does."""
    found = []
    for feature, (high, low) in FEATURE_NAMES.items():
        if feature not in median:
            continue
        ratio = (float(median[feature]) + 1) / (float(overall[feature]) + 1)
        if ratio >= factor or ratio <= 1 / factor:
            up = ratio >= factor
            if feature == "recency_days":
                up = not up                 # fewer days since the last order = bought recently
            found.append((abs(np.log(ratio)), high if up else low))
    if not found:
        return "Typical customers"
    words = [w for _, w in sorted(found, key=lambda t: -t[0])[:phrases]]
    text = ", ".join(words)
    return text[0].upper() + text[1:]


def describe(median: pd.Series, overall: pd.Series, factor: float = 1.5) -> str:
    """Plain words from how a cluster's median customer differs from the median customer.

    A feature counts when it is at least ``factor`` times (or at most 1/``factor`` of) the overall median;
    recency is reversed (fewer days = "bought recently").
    """
    words = []
    for feature, (high, low) in FEATURE_WORDS.items():
        if feature not in median:
            continue
        m, o = float(median[feature]), float(overall[feature])
        ratio = (m + 1) / (o + 1)
        if feature == "recency_days":
            if ratio <= 1 / factor:
                words.append(high)
            elif ratio >= factor:
                words.append(low)
        elif ratio >= factor:
            words.append(high)
        elif ratio <= 1 / factor:
            words.append(low)
    if not words:
        return "Typical customers: close to the median on every measure."
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"Customers who {text}."
