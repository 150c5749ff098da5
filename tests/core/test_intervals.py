"""Fisher's exact test of two shares agrees with scipy's, and is valid where the z-test is not (rare events)."""

import pytest
from scipy import stats

from insights.core.intervals import fisher_p, two_proportion_p


@pytest.mark.parametrize("x1, n1, x2, n2", [(24, 208, 226, 4792), (0, 856, 35, 11071), (2, 40, 33, 11887),
                                            (5, 10, 5, 10), (0, 5, 5, 5), (3, 3, 0, 3), (0, 10, 0, 10)])
def test_fisher_p_is_scipys_two_sided_fisher_exact(x1, n1, x2, n2):
    expected = stats.fisher_exact([[x1, n1 - x1], [x2, n2 - x2]]).pvalue
    assert fisher_p(x1, n1, x2, n2) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_fisher_is_not_fooled_by_a_rare_event_the_z_test_calls_certain():
    # 2 of 40 against 33 of 11,887 (0.3%): the normal approximation says "surely different"
    assert two_proportion_p(2, 40, 33, 11887) < 1e-6
    assert fisher_p(2, 40, 33, 11887) > 1e-3
    assert fisher_p(0, 0, 3, 10) == 1.0
