"""Statistical models behind small adapters of ours (scikit-learn conventions; see STYLE.md §3).

- :mod:`insights.models.bgnbd` — BG/NBD repeat purchases and Gamma-Gamma spend (through ``lifetimes``).
- :mod:`insights.models.readiness` — is there enough data to fit the CLV models, and what is missing.
- :mod:`insights.models.churn_model` — the churn classifier.
"""
