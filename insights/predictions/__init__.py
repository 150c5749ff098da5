"""Predictions: churn and customer value (CLV) — fitting and scoring."""
