"""Sample contexts of the filing report kinds (see ``documents.samples``)."""

from __future__ import annotations

from typing import Any

FILING_SAMPLES: dict[str, dict[str, Any]] = {
    "filing": {
        "recipient": "中共黎城县委组织部",
        "units": [
            {
                "name": "黎城县教育局",
                "band": "红色",
                "warning": "总分红色预警（55分/满分100分）；另有2项一级指标预警",
                "response": "预警通知书（待答复）",
            }
        ],
        "leaders": [
            {
                "name": "王建国",
                "post": "党组书记、局长",
                "unit": "黎城县教育局",
                "why": "黎城县教育局主要负责人，该单位总分红色预警",
            }
        ],
        "unit_count": 1,
        "leader_count": 1,
    },
}
