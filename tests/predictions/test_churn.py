"""Churn model, reasons, watchlist, actions, export and stored scores."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from insights.core.spreadsheet import neutralise_cell as safe_cell
from insights.core.workspace import Workspace
from insights.predictions.churn import (ChurnDataError, action_summary, export_for_email, fit_churn, load_churn_scores,
                                        score_workspace, suggest_actions, watchlist_rows)
from insights.predictions.churn.reasons import explain, split_reasons
from insights.models.churn_model import ChurnInputError, ChurnModel
from tests.helpers import insert_rows, workspace_from_tables


def simulated_shop(n_customers: int = 600, seed: int = 1, start: str = "2023-01-01", days: int = 540):
    """Order lines, feedback and CRM rows of a small shop where late deliveries drive customers away."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(start)
    lines, feedback, crm = [], [], []
    for c in range(n_customers):
        cid = f"c{c:04d}"
        crm.append(dict(customer_id=cid, email=f"{cid}@example.org", name=f"Customer {c}",
                        consent_email=bool(c % 4), channel=["web", "app"][c % 2],
                        country=["DE", "FR", "NL"][c % 3]))
        t, gap = rng.uniform(0, days * 0.7), rng.gamma(2.0, 15.0)
        alive_until, value = t + rng.exponential(400), rng.gamma(2, 30)
        k = 0
        while t < days and t < alive_until:
            ordered = start + pd.Timedelta(days=float(t))
            late = rng.random() < 0.12
            late_days = int(rng.integers(4, 12)) if late else 0
            promised = ordered + pd.Timedelta(days=4)
            lines.append(dict(order_id=f"{cid}-{k}", customer_id=cid, ordered_at=ordered, quantity=1,
                              unit_price=round(value * rng.uniform(0.6, 1.4), 2), promised_at=promised,
                              delivered_at=promised + pd.Timedelta(days=late_days - (0 if late else 1))))
            if late:
                alive_until = min(alive_until, t + rng.exponential(30))
                if rng.random() < 0.5:
                    feedback.append(dict(customer_id=cid, submitted_at=promised + pd.Timedelta(days=late_days + 1),
                                         kind="nps", score=float(rng.integers(0, 5)), text="it came late"))
            t += rng.gamma(2.0, gap / 2.0)
            k += 1
    return lines, feedback, crm


@pytest.fixture(scope="module")
def shop():
    lines, feedback, crm = simulated_shop()
    ws = workspace_from_tables(order_lines=lines, feedback=feedback, customer_records=crm)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def result(shop):
    return score_workspace(shop, random_state=0)


# ----- the model object ---------------------------------------------------------------------------
def test_model_follows_sklearn_conventions_and_contributions_add_up():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"recency_days": rng.exponential(50, 400), "late": rng.integers(0, 3, 400).astype(float),
                      "nps": np.where(rng.random(400) < 0.5, np.nan, rng.integers(0, 11, 400)),
                      "plan": rng.choice(["basic", "pro"], 400)})
    logit = 0.03 * X["recency_days"] + 0.8 * X["late"] - 2 + (X["plan"] == "basic") * 0.5
    y = (rng.random(400) < 1 / (1 + np.exp(-logit))).astype(int)
    model = ChurnModel(C=10.0)
    assert model.C == 10.0 and model.kind == "logistic" and not hasattr(model, "estimator_")
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict_proba(X)
    assert model.fit(X, y) is model
    p = model.predict_proba(X)
    assert p.shape == (400, 2) and np.allclose(p.sum(axis=1), 1)
    contrib = model.contributions(X)
    reference = pd.DataFrame([model.reference_])[X.columns].astype({"recency_days": float, "late": float,
                                                                   "nps": float})
    # logistic: logit(x) − logit(reference) is exactly the sum of the contributions
    gap = model.decision_function(X) - model.decision_function(reference)[0]
    assert np.allclose(contrib.sum(axis=1), gap)
    assert contrib["late"].corr(X["late"]) > 0.9
    # score(): the same probabilities and contributions from one pass over the rows
    prob, contrib_array = model.score(X)
    assert np.array_equal(prob, p[:, 1]) and np.array_equal(contrib_array, contrib.to_numpy())
    assert not hasattr(model, "X_") and all(not isinstance(v, pd.DataFrame) for v in vars(model).values())


def test_boosting_kind_gives_replacement_contributions():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    y = (X["a"] + 0.1 * rng.normal(size=300) > 0).astype(int)
    model = ChurnModel(kind="boosting", random_state=0).fit(X, y)
    contrib = model.contributions(X)
    assert contrib["a"].abs().mean() > 3 * contrib["b"].abs().mean()


def test_validator_says_what_is_wrong():
    X = pd.DataFrame({"a": [1.0, np.inf, 2.0]})
    with pytest.raises(ChurnInputError, match="column a .* 1 infinite"):
        ChurnModel().fit(X, [0, 1, 0])
    with pytest.raises(ChurnInputError, match="both outcomes"):
        ChurnModel().fit(pd.DataFrame({"a": [1.0, 2.0]}), [1, 1])
    with pytest.raises(ChurnInputError, match="labels have 1 values"):
        ChurnModel().fit(pd.DataFrame({"a": [1.0, 2.0]}), [1])


# ----- reasons ------------------------------------------------------------------------------------
def test_reasons_are_ranked_by_contribution_and_worded_from_the_customers_facts():
    as_of = pd.Timestamp("2024-06-01")
    facts = pd.DataFrame({
        "recency_days": [94, 3], "recency_ratio": [2.35, 0.1], "last_nps": [3.0, np.nan],
        "last_nps_at": pd.to_datetime(["2024-03-10", None]), "late_deliveries": [1, 0],
        "last_delivery_late_days": [6, 0], "value_trend": [0.4, 1.0], "last_order_value": [20.0, 50.0],
        "earlier_order_value": [45.0, 50.0], "orders": [4, 1]})
    contrib = pd.DataFrame({
        "recency_days": [0.5, -1.0], "recency_ratio": [0.4, -0.2], "last_nps": [0.7, 0.0],
        "late_deliveries": [0.2, 0.0], "last_delivery_late_days": [0.3, 0.0], "value_trend": [0.3, 0.0],
        "orders": [-0.5, 0.6]})
    out = explain(contrib, facts, as_of, top=3)
    assert split_reasons(out.loc[0, "reasons"]) == [
        "no order for 94 days, 2.4× longer than usual",       # 0.9
        "gave NPS 3 in March",                                 # 0.7
        "last delivery arrived 6 days late"]                   # 0.5
    assert out.loc[0, "top_reason"] == "recency"
    assert split_reasons(out.loc[1, "reasons"]) == ["only one order so far"]
    more = explain(contrib, facts, as_of, top=4)
    assert split_reasons(more.loc[0, "reasons"])[3] == "orders shrinking: last order 20 against 45 on average before"
    # a reason below the threshold is not shown at all
    assert explain(contrib * 0.01, facts, as_of).loc[0, "reasons"] == ""


def test_every_reason_is_worded_from_the_customers_own_facts():
    as_of = pd.Timestamp("2024-06-01")
    facts = pd.DataFrame({
        "recency_days": [94, 1, 30, 200, 12, 0], "recency_ratio": [2.35, np.nan, 0.9, 1.25, 0.5, 1.0],
        "orders": [1, 3, 7, 2, 12, 5], "tenure_days": [94, 40, 400, np.nan, 1000, 300],
        "avg_order_value": [12.4, 1234.5, 99.5, 100.5, 0.0, -3.2], "value_trend": [0.4, 1.5, np.nan, 0.9, 1.0, 0.2],
        "last_order_value": [20.0, 60.0, np.nan, 10.0, 1500.0, 1.0],
        "earlier_order_value": [45.0, 40.0, 30.0, 2500.0, 1500.0, 2.0], "returns": [0, 1, 2, 0, 3, 1],
        "late_deliveries": [1, 3, 0, 2, 1, 0], "last_delivery_late_days": [6, 1, 0, 0, 0, 2],
        "sessions_90d": [0, 1, 4, 2, 3, 0], "sessions_prev_90d": [3, 5, 2, 2, 1, 0],
        "cart_abandons_90d": [1, 0, 2, 3, 0, 1], "last_nps": [3.0, np.nan, 9.4, 0.0, 6.5, 10.0],
        "last_nps_at": pd.to_datetime(["2024-03-10", None, "2023-01-05", "2024-05-31", None, "2022-12-31"]),
        "last_rating": [1.0, 2.0, np.nan, 4.0, 5.0, 3.0],
        "last_rating_at": pd.to_datetime(["2023-07-01", "2024-05-01", None, None, "2023-08-06", "2024-01-01"]),
        "last_negative_word": ["late", None, "", "broken", "never arrived", "rude"],
        "last_negative_at": pd.to_datetime(["2024-02-29", None, None, "2022-11-11", "2024-05-31", None]),
        "negative_feedback": [1, 0, 0, 2, 1, 1]})
    expected = {
        "recency_days": ["no order for 94 days, 2.4× longer than usual", "no order for 1 day", "no order for 30 days",
                         "no order for 200 days, 1.2× longer than usual", "", "no order for 0 days"],
        "orders": ["only one order so far", "new customer: 3 orders in 40 days", "", "only 2 orders so far", "", ""],
        "avg_order_value": ["small orders (average 12)", "small orders (average 1,234)", "small orders (average 100)",
                            "small orders (average 100)", "small orders (average 0)", "small orders (average -3)"],
        "value_trend": ["orders shrinking: last order 20 against 45 on average before", "order values changing",
                        "order values changing", "orders shrinking: last order 10 against 2,500 on average before",
                        "order values changing", "orders shrinking: last order 1 against 2 on average before"],
        "returns": ["", "returned 1 order", "returned 2 orders", "", "returned 3 orders", "returned 1 order"],
        "late_deliveries": ["last delivery arrived 6 days late",
                            "last delivery arrived 1 day late (3 late deliveries in all)", "", "2 late deliveries",
                            "1 late delivery", "last delivery arrived 2 days late"],
        "sessions_90d": ["no visits to the shop's site in the last 90 days",
                         "site visits fell from 5 to 1 (last 90 days against the 90 before)",
                         "only 4 site visits in the last 90 days", "only 2 site visits in the last 90 days",
                         "only 3 site visits in the last 90 days", "no visits to the shop's site in the last 90 days"],
        "cart_abandons_90d": ["left 1 cart without buying in the last 90 days", "",
                              "left 2 carts without buying in the last 90 days",
                              "left 3 carts without buying in the last 90 days", "",
                              "left 1 cart without buying in the last 90 days"],
        "last_nps": ["gave NPS 3 in March", "", "gave NPS 9 in January 2023", "gave NPS 0 in May", "gave NPS 6",
                     "gave NPS 10 in December 2022"],
        "last_rating": ["rated 1/5 in July 2023", "rated 2/5 in May", "", "rated 4/5", "rated 5/5 in August 2023",
                        "rated 3/5 in January"],
        "negative_feedback": ["wrote “late” in feedback in February", "", "",
                              "wrote “broken” in feedback in November 2022", "wrote “never arrived” in feedback in May",
                              "wrote “rude” in feedback"],
    }
    for feature, sentences in expected.items():
        contrib = pd.DataFrame({feature: np.ones(len(facts))}, index=facts.index + 10)
        out = explain(contrib, facts.set_axis(contrib.index), as_of, top=1)
        assert out["reasons"].tolist() == sentences, feature
        assert list(out.index) == list(contrib.index)
    # a feature without a wording of its own (a subscription file's column) is worded generically
    plan = pd.DataFrame({"plan": ["Month-to-month", None], "charges": [1234.5, 20.25]})
    out = explain(pd.DataFrame({"plan": [1.0, 1.0], "charges": [0.5, 0.5]}), plan, as_of)
    assert out["reasons"].tolist() == ["plan: Month-to-month; charges: 1,234", "plan: not given; charges: 20.25"]
    assert out["reason_keys"].tolist() == ["plan;charges", "plan;charges"] and out["top_reason"].tolist() == ["plan", "plan"]


# ----- fitting a shop ---------------------------------------------------------------------------------
def test_quality_is_measured_on_held_out_customers_against_baselines(result):
    m = result.metrics
    assert m["model"]["roc_auc"] > 0.75
    assert "recency" in m and m["recency"]["customers"] == m["model"]["customers"]
    assert m["model"]["customers"] < len(result.scores) / 2       # only the held-out quarter
    assert "p_alive" in m or any("BG/NBD" in n for n in result.notes)
    cal = result.calibration
    assert set(cal["model"]) >= {"model", "recency"}
    assert cal.groupby("model")["customers"].sum()["model"] == m["model"]["customers"]


def test_late_deliveries_are_among_the_top_drivers(result):
    assert "Late deliveries" in list(result.importance)[:3]
    assert result.scores["reasons"].str.contains("late").mean() > 0.1


def test_watchlist_is_ranked_by_value_at_risk(result):
    s = result.scores
    assert s["value_at_risk"].is_monotonic_decreasing
    assert np.allclose(s["value_at_risk"], s["churn_probability"] * s["expected_value"])
    assert "last 12 months" in result.value_basis
    rows = watchlist_rows(s, 5)
    assert [r["customer_id"] for r in rows] == list(s["customer_id"].head(5))
    assert all(isinstance(r["reasons"], list) for r in rows)


def test_watchlist_lookups_join_like_left_merges(shop):
    from insights.core.dates import data_end
    from insights.predictions.churn.watchlist import Lookups, _add_value_and_context_by_merge, add_value_and_context
    as_of = data_end(shop.con)
    lookups = Lookups(shop.con, as_of)
    rng = np.random.default_rng(3)
    known = list(lookups.context["customer_id"])
    ids = list(rng.permutation(known[:60])) + ["nobody", "also-nobody"]     # unsorted, two not in any lookup
    n = len(ids)
    prob = rng.random(n)
    prob[[0, 1, 2]] = 0.5                                                      # ties: decided by customer id
    scores = {"customer_id": pd.Series(ids, dtype="str"), "churn_probability": prob,
              "reasons": np.array(["x"] * n, dtype=object),
              "reason_keys": np.array(rng.choice(["recency", "nps;recency", "late_delivery", ""], n), dtype=object),
              "top_reason": np.array(["recency"] * n, dtype=object), "overdue_days": rng.integers(0, 3, n),
              "last_nps": np.where(rng.random(n) < 0.5, np.nan, rng.integers(0, 11, n))}
    fast, basis = add_value_and_context(shop.con, scores, as_of, lookups)
    slow = _add_value_and_context_by_merge(pd.DataFrame(scores), lookups.values, lookups.context, lookups.segments)
    pd.testing.assert_frame_equal(fast, slow)
    assert fast["value_at_risk"].is_monotonic_decreasing and "last 12 months" in basis
    # a lookup listing a customer twice: pandas' merge semantics (the row repeats)
    lookups = Lookups(shop.con, as_of)
    again = lookups.values[lookups.values["customer_id"].isin(ids)].head(1)
    lookups.values = pd.concat([lookups.values, again], ignore_index=True)
    twice, _ = add_value_and_context(shop.con, scores, as_of, lookups)
    assert len(twice) == n + 1
    pd.testing.assert_frame_equal(twice, _add_value_and_context_by_merge(
        pd.DataFrame(scores), lookups.values, lookups.context, lookups.segments))


def test_a_failed_read_in_the_second_thread_is_raised_and_leaves_no_thread(shop, monkeypatch):
    import threading

    import insights.predictions.churn.watchlist as watchlist

    def broken(con, as_of):
        raise RuntimeError("trailing revenue unavailable")

    monkeypatch.setattr(watchlist, "expected_values", broken)
    with pytest.raises(RuntimeError, match="trailing revenue unavailable"):
        fit_churn(shop, with_bgnbd=False)
    assert not [t for t in threading.enumerate() if t.name.startswith("churn-reads")]


def test_actions_follow_risk_value_and_reasons():
    scores = pd.DataFrame({
        "customer_id": list("abcdef"), "churn_probability": [0.9, 0.6, 0.95, 0.4, 0.8, 0.1],
        "expected_value": [1000.0, 50.0, 10.0, 20.0, 5.0, 500.0],
        "reason_keys": ["recency", "nps;recency", "late_delivery", "", "recency", ""],
        "last_nps": [np.nan, 3.0, np.nan, np.nan, np.nan, np.nan], "overdue_days": [40, 0, 0, 12, 0, 0]})
    actions = suggest_actions(scores).tolist()
    assert actions == ["Win-back offer", "Satisfaction call", "Apology with delivery credit", "Reminder email",
                       "Automated win-back email", "No action: keep in regular mailings"]
    scores["action"], scores["value_at_risk"] = actions, scores["churn_probability"] * scores["expected_value"]
    assert action_summary(scores)["action"].iloc[0] == "Win-back offer"


def test_scores_are_stored_for_the_profile_page_until_the_data_changes(shop, result):
    stored = load_churn_scores(shop)
    assert stored is not None and len(stored) == len(result.scores)
    assert {"customer_id", "churn_probability", "value_at_risk", "reasons", "next_order_expected_at",
            "overdue_days"} <= set(stored.columns)
    assert stored["value_at_risk"].is_monotonic_decreasing
    hash_before = shop.content_hash()
    assert shop.content_hash() == hash_before                    # writing scores does not change the data hash
    with shop.transaction() as con:
        insert_rows(shop, "order_lines", [dict(order_id="new", customer_id="c0001", ordered_at="2024-06-30",
                                               quantity=1, unit_price=1)])
    assert load_churn_scores(shop) is None                       # stale once the data changed


def test_too_little_data_is_explained():
    lines = [dict(order_id=f"o{i}", customer_id=f"c{i % 3}", ordered_at=f"2024-01-{i + 1:02d}", quantity=1,
                  unit_price=5) for i in range(20)]
    ws = workspace_from_tables(order_lines=lines)
    with pytest.raises(ChurnDataError, match="customers"):
        fit_churn(ws)
    ws.close()


# ----- export -------------------------------------------------------------------------------------
def test_export_honours_consent_and_defuses_formulas():
    scores = pd.DataFrame({
        "customer_id": ["a", "b", "c", "d"], "email": ["=cmd|' /C calc'!A0", "b@x.org", None, "d@x.org"],
        "name": ["+Ann", "@Bob", "Cy", "\tDee"], "consent_email": [True, True, True, False],
        "action": ["Win-back offer"] * 4, "churn_probability": [0.9, 0.8, 0.7, 0.6],
        "value_at_risk": [-5.0, 4.0, 3.0, 2.0], "reasons": ["-late", "ok", "", ""]})
    ws = Workspace.in_memory()
    data, written, left_out = export_for_email(scores, ws)
    ws.close()
    assert (written, left_out) == (2, 2)                         # no address (c), no consent (d)
    table = pd.read_csv(io.BytesIO(data), dtype=str)
    assert list(table["customer_id"]) == ["a", "b"]
    assert table.loc[0, "email"] == "'=cmd|' /C calc'!A0"
    assert table.loc[0, "name"] == "'+Ann" and table.loc[1, "name"] == "'@Bob"
    assert table.loc[0, "reasons"] == "'-late"
    assert safe_cell("\rx") == "'\rx" and safe_cell("plain") == "plain" and safe_cell(3) == 3


# ----- the bundled sample shop ----------------------------------------------------------------------
def test_sample_shop_late_deliveries_are_a_top_reason(request):
    ws = request.getfixturevalue("sample_workspace")
    result = fit_churn(ws)
    assert "Late deliveries" in list(result.importance)[:3], result.importance


def test_quality_sentences_say_when_a_baseline_flags_its_top_decile_better():
    from types import SimpleNamespace

    from insights.predictions.churn import quality_sentences
    model = {"customers": 817, "roc_auc": 0.76, "top_decile_precision": 0.73, "top_decile_lift": 1.9,
             "base_rate": 0.39}
    recency = {"roc_auc": 0.71, "top_decile_precision": 0.76}
    text = " ".join(quality_sentences(SimpleNamespace(metrics={"model": model, "recency": recency})))
    assert "better than this baseline at ranking everyone" in text
    assert "top 10% held more churners (76% against the model's 73%)" in text
    recency["top_decile_precision"] = 0.60
    text = " ".join(quality_sentences(SimpleNamespace(metrics={"model": model, "recency": recency})))
    assert "the model is better than this baseline." in text and "held more churners" not in text
