"""Model outputs stored in the workspace, keyed on the data they were computed from.

One code path for every model (churn, CLV, and any that comes later): ``<model>_scores`` holds one row per
scored customer, and ``model_runs`` one row per model with the data version it was computed from, the run's
settings (``params``), a free-form ``report`` and an optional ``run_key`` (e.g. the CLV fit's calibration end,
so a stored fit can be reused). Readers who only need results read them here — :func:`current` — never from
the code that fits the model, so the customer pages need not import the prediction room.

Scores are derived data: writing them does not change the workspace's content hash (the cache key), and
they are written in one transaction of their own (all or nothing, never half a table).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from insights.core.db import cursor, first_row, query_df, table_exists

RUNS_TABLE = "model_runs"
MODELS = ("churn", "clv", "recommendations")
_RUNS_DDL = ("create table if not exists model_runs (model varchar primary key, data_version varchar, "
             "run_key varchar, params json, report json, computed_at timestamp)")


@dataclass(frozen=True)
class Run:
    """What is known of a model's stored run."""
    model: str
    data_version: str
    run_key: str | None
    params: dict
    report: dict | None
    computed_at: dt.datetime


def scores_table(model: str) -> str:
    """The table holding ``model``'s scores (``churn_scores``, ``clv_scores``); only known models have one."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {', '.join(MODELS)}")
    return f"{model}_scores"


def data_version(ws) -> str:
    """The part of the workspace's content hash that names its data (the folder path left out, so a copied
    workspace keeps its stored scores)."""
    return ws.content_hash().split(":", 1)[-1]


_PINNED_VERSION: contextvars.ContextVar[str | None] = contextvars.ContextVar("scores_pinned_version", default=None)


@contextlib.contextmanager
def fitted_on(version: str):
    """Within this block (this thread only), scores are written with ``version`` — the data version read when a
    fit *started* — instead of the version at the time of writing. A fit that ran while an upload committed is
    then stamped with the older data it read, so :func:`current` calls it stale and it is fitted again; it is
    never passed off as a fit of the new data."""
    token = _PINNED_VERSION.set(version)
    try:
        yield
    finally:
        _PINNED_VERSION.reset(token)


def write(ws, model: str, scores: pd.DataFrame, params: dict | None = None, report: dict | None = None,
          run_key: str | None = None) -> None:
    """Replace ``model``'s stored scores with ``scores`` (column types as given) and its run record, in one
    transaction. ``params`` and ``report`` must be JSON-serialisable."""
    table = scores_table(model)
    # a cursor (same database, its own statement state): DuckDB refuses register() on a connection that still
    # holds a half-read result
    con = cursor(ws.con)
    con.register("_scores_incoming", scores)
    try:
        con.execute("begin transaction")
        con.execute(f"create or replace table {table} as select * from _scores_incoming")   # fixed name
        con.execute(_RUNS_DDL)
        con.execute("delete from model_runs where model = ?", [model])
        con.execute("insert into model_runs values (?, ?, ?, ?, ?, ?)",
                    [model, _PINNED_VERSION.get() or data_version(ws), run_key, json.dumps(params or {}, sort_keys=True),
                     None if report is None else json.dumps(report), dt.datetime.now().replace(microsecond=0)])
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    finally:
        con.unregister("_scores_incoming")
        con.close()


def run(ws_or_con, model: str) -> Run | None:
    """The stored run of ``model``, fresh or stale; None when it never ran in this workspace."""
    con = getattr(ws_or_con, "con", ws_or_con)
    scores_table(model)
    if not table_exists(con, RUNS_TABLE):
        return None
    row = first_row(con.execute("select model, data_version, run_key, params, report, computed_at "
                                "from model_runs where model = ?", [model]))
    if row is None:
        return None
    return Run(row[0], row[1], row[2], json.loads(row[3] or "{}"), None if row[4] is None else json.loads(row[4]),
               row[5])


def is_current(ws, model: str) -> bool:
    """True when ``model``'s stored scores were computed from the workspace's current data."""
    stored = run(ws, model)
    return stored is not None and stored.data_version == data_version(ws) and table_exists(ws.con, scores_table(model))


def load(ws_or_con, model: str) -> pd.DataFrame | None:
    """``model``'s stored scores, fresh or stale (None when there are none), in the order of :data:`ORDERINGS`."""
    con = getattr(ws_or_con, "con", ws_or_con)
    table = scores_table(model)
    if not table_exists(con, table):
        return None
    return query_df(con, f"select * from {table} {ORDERINGS[model]}")


def current(ws, model: str) -> pd.DataFrame | None:
    """``model``'s stored scores if they were computed from the workspace's current data, else None (stale or
    absent): a page then shows no predictions rather than old ones."""
    return load(ws, model) if is_current(ws, model) else None


def for_customer(ws_or_con, model: str, customer_id: str) -> dict | None:
    """One customer's stored scores of ``model`` (fresh or stale) as a dict; None when absent."""
    con = getattr(ws_or_con, "con", ws_or_con)
    table = scores_table(model)
    if not table_exists(con, table):
        return None
    rows = query_df(con, f"select * from {table} where customer_id = $cid", {"cid": str(customer_id)})
    return rows.iloc[0].to_dict() if len(rows) else None


# fixed orderings of the stored tables (highest value first, ties by customer id: a stable order)
ORDERINGS: dict[str, str] = {
    "churn": "order by value_at_risk desc, customer_id",
    "clv": "order by clv desc, customer_id",
    "recommendations": "order by customer_id, rank",
}


def report(ws, model: str) -> dict[str, Any] | None:
    """The report stored with ``model``'s current run; None when stale or absent."""
    stored = run(ws, model)
    return stored.report if stored is not None and stored.data_version == data_version(ws) else None


def forget(con, customer_ids: list[str]) -> dict[str, int]:
    """Remove the stored scores of ``customer_ids`` from every model's table (an erasure, inside the caller's
    transaction). Returns {table: rows removed}. Run reports keep counts and settings, not customers."""
    removed = {}
    for model in MODELS:
        table = scores_table(model)
        if not table_exists(con, table) or not customer_ids:
            continue
        before = con.execute(f"select count(*) from {table}").fetchall()[0][0]   # fixed name
        con.execute(f"delete from {table} where customer_id::varchar in (select unnest(?::varchar[]))",
                    [list(customer_ids)])
        removed[table] = before - con.execute(f"select count(*) from {table}").fetchall()[0][0]
    return removed
