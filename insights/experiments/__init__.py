"""Experiments a small shop can trust: a result file read and checked (``result_file``: the variant, the control,
the unit, the metrics, the rows excluded and why), the statistics (``comparisons``: two-proportion test, Welch with
a delta-method relative lift, a winsorised option for revenue; ``sequential``: always-valid mixture-SPRT
intervals; ``srm``: the sample-ratio check), the whole analysis with Holm's adjustment and a verdict in words
(``analysis``), the planner (``planner``) and simulated result files (``simulate``)."""
