"""The KPI scorecard: the KPI stack per period, comparisons, targets, the revenue bridge and demand by hour.

Every figure is computed in DuckDB from the ``kpi_order_facts`` mart (one row per order id, built once per
upload by ``ws.build_marts()``), ``kpi_category_day``, ``events`` and ``feedback``; values are bound
parameters. Periods are calendar weeks (ISO, Monday start), months, quarters, or a custom date range.

Definitions (shown on the page, see :data:`KPI_DEFINITIONS`):

- An order is an order id that is not wholly cancelled; net revenue sums every loaded line, cancellations and
  returns as negatives (a wholly cancelled id is not an order but its negative revenue counts).
- A customer is active in a period if they placed an order in it; a new customer's first order is in it.
- Churn rule: a customer active in the previous period who places no order in this one has churned for this
  period, so churn rate = 1 − retention (period over period).

Domain traps recorded here: orders and AOV include guest orders; per-customer KPIs (orders per customer,
revenue per customer, reorder rate) use identified customers only. Activation within N days is left empty
until every new customer of the period has had the full N days in the data.

Modules: ``periods`` (periods, their labels, the data's date range and currency), ``table`` (the KPI table and
the definitions), ``targets``, ``comparisons`` (against the previous period, last year and target), ``bridge``
(the revenue bridge and its sentences), ``movers`` (largest movers by dimension) and ``demand`` (by hour x
weekday). Everything a caller needs is importable from this package.
"""


from insights.performance.kpis.bridge import (BRIDGE_FACTORS, BRIDGE_GROUPS, BRIDGE_METHOD, MONEY_STEP,
                                              explain_bridge, revenue_bridge)
from insights.performance.kpis.comparisons import apply_targets, compare_periods
from insights.performance.kpis.demand import WEEKDAYS, demand_heatmap
from insights.performance.kpis.movers import MOVER_DIMENSIONS, largest_movers
from insights.performance.kpis.periods import (PERIODS, data_currency, data_range, period_end, period_label,
                                               period_start, shift_period, workspace_currency)
from insights.performance.kpis.table import (EVENT_KPIS, FEEDBACK_KPIS, KPI_DEFINITIONS, KPI_GROUPS,
                                             LOWER_IS_BETTER, available_kpis, custom_blocks, definitions_frame,
                                             kpi_table)
from insights.performance.kpis.revenue import (RevenueDefinition, has_money_parts, revenue_caption,
                                               revenue_definition, set_revenue_definition)
from insights.performance.kpis.targets import ALL_PERIODS, set_target, target_for, target_status, targets

__all__ = [
    "ALL_PERIODS", "BRIDGE_FACTORS", "BRIDGE_GROUPS", "BRIDGE_METHOD", "EVENT_KPIS", "FEEDBACK_KPIS",
    "KPI_DEFINITIONS", "KPI_GROUPS", "LOWER_IS_BETTER", "MONEY_STEP", "MOVER_DIMENSIONS", "PERIODS", "WEEKDAYS",
    "apply_targets", "available_kpis", "compare_periods", "custom_blocks", "data_currency", "data_range",
    "definitions_frame", "demand_heatmap", "explain_bridge", "kpi_table", "largest_movers", "period_end",
    "period_label", "period_start", "revenue_bridge", "set_target", "shift_period", "target_for", "target_status",
    "targets", "workspace_currency", "RevenueDefinition", "has_money_parts", "revenue_caption",
    "revenue_definition", "set_revenue_definition",
]
