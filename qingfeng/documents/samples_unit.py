"""Sample contexts of the unit report kinds (see ``documents.samples``): the diagnosis
(``reports.diagnosis``) and the feedback letters (``reports.feedback``), with made-up
values and exactly the keys their builders give (``tests/reports`` holds them equal)."""

from __future__ import annotations

from typing import Any

from qingfeng.lib.documents import Picture, tiny_png

# What every unit report says of the unit's result.
_RESULT: dict[str, Any] = {
    "unit": "县教育局",
    "total": "905.5",
    "scale": "1000",
    "rank": "27",
    "category_rank": "6",
    "band": "蓝色",
    "facts": [
        "2026年上半年得905.5分（满分1000分），总排名第27位，在同类单位中排第6位，处于蓝色区间。",
        "与上期（2025年下半年）相比，总分下降12分，排名下降3名，由绿色转为蓝色。",
    ],
}

_LOST: dict[str, Any] = {
    "lost": [
        {
            "name": "违规吃喝和违规收送礼品礼金",
            "group": "作风建设",
            "max": "25",
            "score": "20",
            "lost": "5",
            "vetoed": False,
            "records": [
                {
                    "date": "2026年5月12日",
                    "source": "党风政风监督室",
                    "problem_type": "违反中央八项规定精神",
                    "note": "公务接待超标准",
                    "effect": "\u22125",
                }
            ],
        }
    ],
    "lost_text": "本期共有1项指标失分，合计失5分，"
    "其中“违规吃喝和违规收送礼品礼金”失分最多（失5分）。",
}

_WARNINGS: dict[str, Any] = {
    "warnings": [{"indicator": "作风建设", "score": "80", "max": "100", "band": "蓝色"}],
    "warnings_text": "本期该单位共有预警1项（蓝色1项）。",
}

UNIT_SAMPLES: dict[str, dict[str, Any]] = {
    "diagnosis": {
        **_RESULT,
        **_LOST,
        **_WARNINGS,
        "radar": Picture(tiny_png(), 95),
        "trend": Picture(tiny_png(), 150),
        "causes": [
            {
                "type": "违反中央八项规定精神",
                "records": "1",
                "points": "5",
                "leaves": "违规吃喝和违规收送礼品礼金",
            }
        ],
        "causes_text": "扣分记录涉及1类问题，主要为违反中央八项规定精神（1条）。",
        "changes": [
            {
                "name": "作风建设",
                "previous": "92.0%",
                "current": "80.0%",
                "change": "\u221212.0个百分点",
            }
        ],
        "changes_text": "与上期（2025年下半年）相比，一级指标得分率下降1项；"
        "下降最多的是作风建设（92.0%→80.0%）。",
        "problems": [
            {
                "number": "2026-000012",
                "type": "违反中央八项规定精神",
                "description": "公务接待无公函、超标准",
                "found": "2026年5月20日",
                "due": "2026年7月20日",
                "state": "整改中",
            }
        ],
        "problems_text": "2026年上半年问题台账中该单位有问题1个，已销号0个，尚未销号1个。",
    },
    "feedback_unit": {**_RESULT, **_LOST, **_WARNINGS},
    "feedback_leader": {**_RESULT, **_LOST, **_WARNINGS, "leader": "李凯峰", "relation": "分管"},
}
