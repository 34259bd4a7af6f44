"""Sample context of the problem booklet (see ``documents.samples`` and
``reports.booklet``)."""

from __future__ import annotations

from typing import Any

BOOKLET_SAMPLES: dict[str, dict[str, Any]] = {
    "booklet": {
        "subject_name": "黎城县教育局",
        "total": 2,
        "overdue": 1,
        "closed_late": 0,
        "unit_count": 1,
        "states": [
            {"label": "待整改", "count": 1, "overdue": 1},
            {"label": "已销号", "count": 1, "overdue": 0},
        ],
        "unit_sections": [
            {
                "name": "黎城县教育局",
                "total": 2,
                "groups": [
                    {
                        "source": "巡察",
                        "problems": [
                            {
                                "index": 1,
                                "number": "2026-000001",
                                "type": "四风",
                                "description": "公务用车管理不规范。",
                                "due": "2026年6月30日",
                                "state": "待整改",
                                "overdue": "（已逾期）",
                                "measures": "尚未报送",
                            },
                            {
                                "index": 2,
                                "number": "2026-000002",
                                "type": "形式主义官僚主义",
                                "description": "会议文件过多。",
                                "due": "2026年9月30日",
                                "state": "已销号",
                                "overdue": "",
                                "measures": "精简会议文件，建立月度通报制度。",
                            },
                        ],
                    }
                ],
            }
        ],
    }
}
