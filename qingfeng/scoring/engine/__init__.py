"""The scoring engine: pure Python + numpy, no Django.

``score(framework, categories, records)`` turns an indicator framework and one period's
records into node scores, totals, bands, ranks and explanations. See ``docs/scoring.md``.

``band_of`` and ``rank_values`` are the same rules for one figure or one list, for readers
(the dashboard, exports) that band or rank figures the engine did not store: there is no
second implementation of either rule.
"""

from .bands import TOLERANCE, band_of, sorted_bands
from .compute import score
from .model import (
    GREEN,
    RULE_TYPES,
    Band,
    Component,
    Framework,
    Indicator,
    Records,
    Reporting,
    Result,
    Rule,
)
from .rank import rank_values, ranks

__all__ = [
    "GREEN",
    "RULE_TYPES",
    "TOLERANCE",
    "Band",
    "Component",
    "Framework",
    "Indicator",
    "Records",
    "Reporting",
    "Result",
    "Rule",
    "band_of",
    "rank_values",
    "ranks",
    "score",
    "sorted_bands",
]
