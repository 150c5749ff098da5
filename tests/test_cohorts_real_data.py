"""The Online Retail cohort tests live in tests/performance/test_cohorts_real_data.py; its loaders and pandas
references stay importable from here for tests outside the performance room (test_segments_real_data.py,
browser/test_figures.py). This module holds no tests."""

from tests.performance.test_cohorts_real_data import (  # noqa: F401 — re-exported for the tests named above
    CSV, canonical_workspace, csv_path, raw_frame, reference_invoices, reference_retention)
