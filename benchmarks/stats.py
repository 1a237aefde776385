"""Percentiles, mean and max of measured values: the one place the benchmarks compute them.

Every part reports its delays the same way (the nearest-rank percentile of the sorted
values), so its figures compare across parts and across runs.
"""

from __future__ import annotations

import statistics


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (0..1) of `values`: the value below which that share lies."""
    if not values:
        raise ValueError("no values to take a percentile of")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def statistic(values: list[float], name: str) -> float:
    """`max`, `mean`, or `p<N>` (the N-th percentile) of `values`."""
    if name == "max":
        return max(values)
    if name == "mean":
        return statistics.fmean(values)
    return percentile(values, int(name.removeprefix("p")) / 100)


def spread(
    values: list[float],
    names: tuple[str, ...] = ("p50", "p95", "p99", "max"),
    *,
    digits: int = 3,
    scale: float = 1,
    suffix: str = "_ms",
) -> dict[str, float]:
    """Each statistic in `names` of `values`, times `scale`, rounded: `{name + suffix}`."""
    return {
        f"{name}{suffix}": round(scale * statistic(values, name), digits)
        for name in names
    }
