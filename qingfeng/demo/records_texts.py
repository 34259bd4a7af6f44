"""The words of the demo records: problem types, their notes, award notes and the names
of rates (pure data; ``demo.records`` draws from it)."""

from __future__ import annotations


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text`` (keeps the word lists compact)."""
    return tuple(text.split())


def pairs(text: str) -> dict[str, str]:
    """``"a:b c:d"`` as ``{"a": "b", "c": "d"}``."""
    return {key: value for key, _sep, value in (word.partition(":") for word in words(text))}


# Problem types of deduction records: words in a leaf's name pick one (first match wins);
# otherwise the leaf's data station decides (``STATION_PROBLEM_TYPES``).
PROBLEM_TYPES: tuple[str, ...] = words(
    "四风 违反中央八项规定精神 形式主义官僚主义 选人用人 信访举报 审计发现 巡视巡察发现 舆情 "
    "安全生产 生态环保 违纪违法案件"
)
NAME_PROBLEM_TYPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (words("八项规定 吃喝 礼品 公务用车 公车 公务接待"), "违反中央八项规定精神"),
    (words("四风 不正之风 师德 医德 医药 微腐败"), "四风"),
    (words("安全"), "安全生产"),
    (words("生态 环保 环境"), "生态环保"),
    (words("舆情 意识形态 宣传"), "舆情"),
    (words("审计"), "审计发现"),
    (words("巡察 巡视"), "巡视巡察发现"),
    (words("信访 越级访 举报 线索"), "信访举报"),
    (words("处分 违纪违法 政治纪律"), "违纪违法案件"),
    (words("选拔 选人用人 选任 个人有关事项 兼职 证照 档案 换届"), "选人用人"),
)
STATION_PROBLEM_TYPES: dict[str, str] = pairs(
    "AUDIT:审计发现 PATROL:巡视巡察发现 PETITION:信访举报 LETTERS:信访举报 CADRE:选人用人 "
    "CONDUCT:四风 CASE:违纪违法案件 TRIAL:违纪违法案件 INVEST:违纪违法案件"
)


def problem_type_for(name: str, station: str) -> str:
    """The problem type of a deduction on a leaf with this name and data station code."""
    for keys, problem_type in NAME_PROBLEM_TYPES:
        if any(key in name for key in keys):
            return problem_type
    return STATION_PROBLEM_TYPES.get(station.rsplit("-", 1)[-1], "形式主义官僚主义")


NOTES: dict[str, tuple[str, ...]] = {
    "四风": words(
        "节日期间明察暗访发现个别干部工作日午间饮酒 违规使用公款购买节日慰问品，已责令清退 "
        "下属单位借培训名义组织旅游，已通报批评 群众反映办事人员吃拿卡要，经查部分属实"
    ),
    "违反中央八项规定精神": words(
        "公务接待超标准、超范围，陪餐人数超过规定 公车私用，周末驾驶公务用车办理私事 "
        "违规收受管理服务对象赠送的购物卡 在私人会所组织吃喝，已移交处置 "
        "办公用房面积超标，未按期完成腾退"
    ),
    "形式主义官僚主义": words(
        "以会议落实会议、以文件落实文件，部署后无跟踪督办 工作台账存在补记、代记现象 "
        "基层报表多头填报、重复填报，增加基层负担 对群众诉求推诿扯皮，超期未答复 "
        "学习记录照抄照搬，心得体会内容雷同 会议数量超出年度控制计划"
    ),
    "选人用人": words(
        "干部考察材料不全，个别环节程序倒置 个人有关事项报告漏报房产信息 "
        "干部人事档案“三龄两历”认定不准 领导干部未经审批在社会组织兼职 "
        "因私出国（境）证照未按规定集中保管"
    ),
    "信访举报": words(
        "群众反映征地补偿款发放不透明，经核查部分属实 同一事项重复信访，化解措施落实不到位 "
        "信访事项超期未办结，被县信访局通报 反映干部作风粗暴问题，经核查属实 "
        "越级上访一批次，属地化解不力"
    ),
    "审计发现": words(
        "专项资金未按规定用途使用 虚列支出、白条入账 政府采购未履行规定程序 "
        "往来款项长期挂账未清理 国有资产账实不符"
    ),
    "巡视巡察发现": words(
        "县委巡察反馈：党组会议研究全面从严治党不经常 县委巡察反馈：“三重一大”决策记录不完整 "
        "县委巡察反馈：落实意识形态工作责任制不到位 县委巡察反馈：上轮巡察问题整改不彻底 "
        "县委巡察反馈：内控制度不健全"
    ),
    "舆情": words(
        "网络平台出现涉及本单位的负面舆情，回应不及时 单位新媒体账号发布信息审核不严 "
        "宣传栏内容长期未更新 群众网络留言未按时回复"
    ),
    "安全生产": words(
        "安全隐患排查整治不到位，被县安委办通报 发生一般安全生产事故，造成财产损失 "
        "消防设施老化，未按期整改 危险化学品管理台账不规范"
    ),
    "生态环保": words(
        "辖区内发现违规倾倒建筑垃圾问题 环保督察反馈问题整改滞后 秸秆焚烧点位被卫星遥感监测发现 "
        "污水直排问题被群众举报"
    ),
    "违纪违法案件": words(
        "一名党员干部违反廉洁纪律，受到党内警告处分 一名干部违反工作纪律，受到政务记过处分 "
        "问题线索经初步核实属实，已立案 一名党员酒驾，受到党内严重警告处分"
    ),
}
VETO_NOTES: tuple[str, ...] = words(
    "班子成员涉嫌严重违纪违法，被县纪委监委立案审查调查并采取留置措施 "
    "主要负责人涉嫌受贿，被县纪委监委立案审查调查"
)
# Award notes by the level a grade starts with (四级八档).
AWARDS: dict[str, tuple[str, ...]] = {
    "国家级": words("获评全国先进基层党组织 工作经验入选全国典型案例"),
    "省级": words("获评全省先进基层党组织 工作经验被省委刊物推广 获省级文明单位称号"),
    "市级": words("获评全市先进基层党组织 获市级文明单位称号 获市委市政府通报表扬"),
    "县级": words("获县委县政府通报表扬 获评全县“五好”党支部 获全县目标责任考核先进单位"),
}
BONUS_NOTES: tuple[str, ...] = words(
    "党建工作经验被市委组织部简报刊发推广 廉洁文化建设做法被县纪委监委推广 "
    "主题党日活动被上级党组织评为优秀案例 工作经验在全县交流发言 工作成效被市级媒体正面报道"
)
# The word for a rate, by a word in the leaf's name.
RATE_WORDS: dict[str, str] = pairs(
    "办结:按期办结率 整改:整改完成率 在岗:在岗率 不见面:网上可办率 保值增值:保值增值率"
)
