"""The meta-analysis statistics engine: effect sizes, pooling, heterogeneity, subgroups,
sensitivity analyses and small-study tests, each returning frozen result objects that
export to tidy pandas frames.

Checked against metafor reference values (tests/stats/reference/). Effects are on the
analysis scale: differences as they are, ratios on the log scale.
"""
from analysis.stats.effects import (
    EffectSize,
    mean_change_from_change_ci,
    mean_change_from_change_sd,
    mean_change_from_pre_post,
    mean_difference,
    odds_ratio,
    risk_ratio,
)
from analysis.stats.heterogeneity import (
    Heterogeneity,
    heterogeneity,
    i2_from_q_pct,
    i2_from_tau2_pct,
    tau2_qprofile_ci,
    typical_within_variance,
)
from analysis.stats.median_conversion import (
    ConvertedMeanSD,
    median_iqr_range_to_mean_sd,
    median_iqr_to_mean_sd,
    median_range_to_mean_sd,
)
from analysis.stats.metaregression import MetaRegression, meta_regression
from analysis.stats.pooling import CI_METHODS, PI_METHODS, POOL_METHODS, Z95, PooledResult, pool
from analysis.stats.recover import (
    ImpliedCorrelation,
    RecoveredEffect,
    correlation_from_paired_p,
    half_unit,
    printed_decimals,
    recover_from_ci,
)
from analysis.stats.sensitivity import (
    DEFAULT_CORRELATIONS,
    LeaveOneOutResult,
    correlation_sweep,
    exclusion_sets,
    leave_one_out,
    method_grid,
)
from analysis.stats.small_study import BeggResult, EggerResult, begg_test, egger_test
from analysis.stats.subgroups import SubgroupResult, subgroup_analysis
from analysis.stats.tau2 import (
    tau2_dersimonian_laird,
    tau2_estimate,
    tau2_paule_mandel,
    tau2_reml,
)

__all__ = [
    "CI_METHODS",
    "DEFAULT_CORRELATIONS",
    "PI_METHODS",
    "POOL_METHODS",
    "Z95",
    "BeggResult",
    "ConvertedMeanSD",
    "EffectSize",
    "EggerResult",
    "Heterogeneity",
    "LeaveOneOutResult",
    "MetaRegression",
    "PooledResult",
    "RecoveredEffect",
    "SubgroupResult",
    "begg_test",
    "correlation_sweep",
    "egger_test",
    "exclusion_sets",
    "half_unit",
    "heterogeneity",
    "i2_from_q_pct",
    "i2_from_tau2_pct",
    "leave_one_out",
    "mean_change_from_change_ci",
    "mean_change_from_change_sd",
    "mean_change_from_pre_post",
    "mean_difference",
    "median_iqr_range_to_mean_sd",
    "median_iqr_to_mean_sd",
    "median_range_to_mean_sd",
    "meta_regression",
    "method_grid",
    "odds_ratio",
    "pool",
    "printed_decimals",
    "recover_from_ci",
    "correlation_from_paired_p",
    "ImpliedCorrelation",
    "risk_ratio",
    "subgroup_analysis",
    "tau2_dersimonian_laird",
    "tau2_estimate",
    "tau2_paule_mandel",
    "tau2_reml",
    "tau2_qprofile_ci",
    "typical_within_variance",
]
