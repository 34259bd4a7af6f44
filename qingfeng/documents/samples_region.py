"""Sample contexts of the region report kinds (see ``documents.samples``): the half-year
analysis and the annual report (``reports.analysis``) and the circular
(``reports.circular``), with made-up values; their keys are the builders' (a test holds
them equal)."""

from __future__ import annotations

from typing import Any

from qingfeng.lib.documents import Picture, tiny_png


def _analysis(trend: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "recipient": "中共黎城县委",
        "opening": (
            "按照《龙口式政治生态监测评价体系》，现将2026年上半年黎城县政治生态监测评价情况报告如下。"
        ),
        "period_note": "",
        "summary": "纳入评价单位112个，平均得分885.22分（满分1000分）。",
        "units": "112",
        "mean": "885.22",
        "scale": "1000",
        "vetoed": "0",
        "completeness": "100%",
        "bands": [
            {"band": "绿色", "count": "71", "share": "63.4%"},
            {"band": "红色", "count": "6", "share": "5.4%"},
        ],
        "distribution_text": "各单位得分在365.46分至988.84分之间，900–1000分段单位最多，共71个。",
        "histogram": Picture(tiny_png(), width_mm=150),
        "heatmap_note": "下图为综合排名后30位单位（第83名至第112名）各一级指标的得分率（%）。",
        "heatmap": Picture(tiny_png(), width_mm=160),
        "ranking": [
            {
                "rank": "1",
                "change": "↑32",
                "name": "县信访局",
                "category": "政府部门",
                "total": "988.84",
                "band": "绿色",
            }
        ],
        "ranking_note": "全部112个单位按综合得分排名如下。",
        "movers_text": "与2025年下半年相比，14个单位档次好转，13个单位档次变差。",
        "risers": [
            {
                "name": "县退役军人事务局",
                "rank": "4",
                "before": "52",
                "change": "上升48名",
                "band": "绿色",
            }
        ],
        "fallers": [
            {
                "name": "县应急管理局",
                "rank": "71",
                "before": "14",
                "change": "下降57名",
                "band": "绿色",
            }
        ],
        "band_changes": [
            {"name": "县文旅集团", "before": "蓝色", "now": "绿色", "direction": "好转"}
        ],
        "problems_text": "本期共发现问题记录1868条，涉及111个单位。",
        "problem_total": "1868",
        "problem_types": [{"label": "四风", "count": "171", "points": "688.50", "share": "9.2%"}],
        "problem_units": [
            {
                "name": "县公共交通有限公司",
                "category": "国有企业",
                "count": "100",
                "points": "641.50",
                "share": "5.4%",
            }
        ],
        "problem_categories": [{"name": "政府部门", "count": "491", "share": "26.3%"}],
        "indicators_text": "各一级指标中，平均得分率最低的是综合评价（平均得分率82.9%，蓝色）。",
        "indicators": [
            {"name": "综合评价", "rate": "82.9%", "band": "蓝色", "units": "112", "warned": "89"}
        ],
        "leaves_text": "从末级指标看，平均得分率最低的是谈心谈话（61.2%）。",
        "leaves": [{"name": "谈心谈话", "branch": "政治建设", "rate": "61.2%", "units": "112"}],
        "warnings_text": "本期综合得分处于预警档次的单位共41个（红色6个、黄色11个、蓝色24个）。",
        "warning_units": [
            {"name": "程家山乡", "category": "镇街", "total": "416.91", "band": "红色"}
        ],
        "responses_text": "预警登记簿中，2026年第一季度共登记预警380条，涉及112个单位。",
        "responses": [
            {
                "kind": "约谈提醒",
                "count": "2",
                "issued": "1",
                "answered": "0",
                "closed": "1",
            }
        ],
        "trend_text": "分期看，各期平均得分为：2026年第一季度918.77分。",
        "trend_rows": trend,
        "trend_chart": Picture(tiny_png(), width_mm=150),
    }


_QUARTER = {"period": "2026年第一季度", "units": "112", "mean": "918.77", "bands": "绿色85、红色1"}

REGION_SAMPLES: dict[str, dict[str, Any]] = {
    "analysis_half_year": _analysis([_QUARTER]),
    "analysis_annual": {
        **_analysis([_QUARTER, {**_QUARTER, "period": "2026年上半年"}]),
        "recipient": "中共黎城县委",
    },
    "circular": {
        "recipient": "各有关单位",
        "opening": "按照《龙口式政治生态监测评价体系》，对黎城县112个单位进行了监测评价。",
        "summary": "本期参加排名单位112个，平均得分885.22分；其中绿色71个、红色6个。",
        "ranking": [
            {
                "rank": "1",
                "change": "↑32",
                "name": "县信访局",
                "category": "政府部门",
                "total": "988.84",
                "band": "绿色",
            }
        ],
        "warned_text": "综合得分处于红色档次的单位（1个）：程家山乡。",
        "improved_text": "与2025年下半年相比，14个单位档次好转。",
    },
}
