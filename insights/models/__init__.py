"""Statistical models behind small adapters of ours (scikit-learn conventions; see STYLE.md §3).

- :mod:`insights.models.bgnbd` — BG/NBD repeat purchases and Gamma-Gamma spend;
  :mod:`insights.models.likelihood` — their likelihoods with analytic gradients and the fit (checked against
  ``lifetimes``, which the tests and benchmarks keep as the reference);
  :mod:`insights.models.bgnbd_formulas` — the BG/NBD closed forms its predictions use.
- :mod:`insights.models.readiness` — is there enough data to fit the CLV models, and what is missing.
- :mod:`insights.models.churn_model` — the churn classifier.
- :mod:`insights.models.clusters` — k-means behavioural clusters, k chosen by silhouette.

A module here imports only :mod:`insights.core` and its own floor.
"""
