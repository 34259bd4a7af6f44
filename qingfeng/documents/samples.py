"""The sample context of each report kind: what its template may use, with made-up
values. An uploaded template is checked by rendering it with its kind's sample, and the
templates page lists it. ``tests/reports`` holds each sample's keys equal to what the
kind's builder produces, so a template checked here renders with real data too.

The samples are split by the part of the reports that owns them (unit reports, region
reports, the filing list); ``REPORT_SAMPLES`` joins them.
"""

from __future__ import annotations

from typing import Any

from qingfeng.documents.samples_booklet import BOOKLET_SAMPLES
from qingfeng.documents.samples_filing import FILING_SAMPLES
from qingfeng.documents.samples_region import REGION_SAMPLES
from qingfeng.documents.samples_unit import UNIT_SAMPLES

# Keys every report's context has (reports.services.common_context adds them).
COMMON_SAMPLE: dict[str, Any] = {
    "issuer": "中共黎城县纪律检查委员会",
    "title": "政治生态诊断书",
    "reference": "黎纪诊〔2026〕1号",
    "date": "2026年12月5日",
    "period": "2026年上半年",
    "framework": "龙口式政治生态监测评价体系",
    "region": "黎城县",
    "analyst_paragraphs": ["该单位领导班子重视整改工作。"],
}

REPORT_SAMPLES: dict[str, dict[str, Any]] = {
    kind: {**sample, **COMMON_SAMPLE}
    for kind, sample in {
        **UNIT_SAMPLES,
        **REGION_SAMPLES,
        **FILING_SAMPLES,
        **BOOKLET_SAMPLES,
    }.items()
}
