"""The scoring engine: pure Python + numpy, no Django.

``score(framework, categories, records)`` turns an indicator framework and one period's
records into node scores, totals, bands, ranks and explanations. See ``docs/scoring.md``.
"""

from .compute import score
from .model import (
    GREEN,
    RULE_TYPES,
    Band,
    Component,
    Framework,
    Indicator,
    Records,
    Result,
    Rule,
)

__all__ = [
    "GREEN",
    "RULE_TYPES",
    "Band",
    "Component",
    "Framework",
    "Indicator",
    "Records",
    "Result",
    "Rule",
    "score",
]
