"""Score snapshots: what the engine said for one unit, period and framework version.

A snapshot is the explanation too: every node's score, applicable max and band, and the
ids of the records that counted, so a stored score can always be traced back.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    """One unit's result for one period under one framework version.

    ``nodes`` holds three lists, ``score``, ``max`` (applicable max) and ``band``, aligned
    with the version's indicators in tree order, None where a node does not apply or was
    not assessed (published versions never change, so the order is stable);
    ``nodes["unreported"]`` (when present) lists the indexes of the leaves no data station
    reported on for the unit (docs/completeness.md);
    ``level_one`` holds the same three lists for the level-1 nodes only (in tree order):
    the overview reads them for every unit of a province, and reaching into ``nodes``
    means reading and parsing every node's figures (None: stored before the column
    existed; readers then use ``nodes``).
    ``record_ids`` are the counted records (their indicator codes place them in the tree).
    Snapshots are derived data: recomputing replaces them, so they have no change history
    of their own; the records and framework versions they come from do.
    """

    version = models.ForeignKey(
        "framework.FrameworkVersion",
        verbose_name=_("framework version"),
        on_delete=models.CASCADE,
        related_name="snapshots",
    )
    period = models.CharField(_("period"), max_length=8)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="snapshots"
    )
    category = models.CharField(_("category"), max_length=32)
    total = models.FloatField(_("total"), null=True)
    raw = models.FloatField(_("raw score"), null=True)
    applicable_max = models.FloatField(_("applicable max"))
    band = models.CharField(_("warning band"), max_length=16, blank=True)
    vetoed = models.BooleanField(_("vetoed"), default=False)
    rank = models.PositiveIntegerField(_("rank"), null=True)
    category_rank = models.PositiveIntegerField(_("rank in category"), null=True)
    rank_change = models.IntegerField(_("rank change"), null=True)
    components = models.JSONField(_("components"), default=dict)
    nodes = models.JSONField(_("indicator scores"), default=dict)
    level_one = models.JSONField(_("level-1 indicator scores"), null=True, blank=True)
    record_ids = models.JSONField(_("records"), default=list)
    # The share of the unit's tracked deduction and bonus leaves that were reported
    # (records or an approved nil return); None when none is tracked (docs/completeness.md).
    completeness = models.FloatField(_("data completeness"), null=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["version_id", "period", "rank"]
        verbose_name = _("score snapshot")
        verbose_name_plural = _("score snapshots")
        constraints = [
            models.UniqueConstraint(fields=["version", "period", "unit"], name="snapshot_unique")
        ]
        indexes = [models.Index(fields=["unit", "period"])]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period}"

    def node_results(self, codes: list[str]) -> dict[str, tuple[float, float, str]]:
        """{code: (score, applicable max, band)} for the nodes that apply and were
        assessed; ``codes`` are the version's indicator codes in tree order."""
        nodes = self.nodes or {}
        scores, maxima, bands = nodes.get("score", []), nodes.get("max", []), nodes.get("band", [])
        return {
            code: (scores[i], maxima[i], bands[i])
            for i, code in enumerate(codes)
            if i < len(scores) and scores[i] is not None
        }
