"""Data tables for the demo organisation (``manage.py seed_demo``).

Names are written for a county ("县…"); a district's units swap the first "县" for "区".
Nothing here touches the database; ``demo.org`` turns these tables into records.
"""

from __future__ import annotations

from qingfeng.accounts.roles import Role, ScopeKind


def words(text: str) -> tuple[str, ...]:
    """The space-separated words of ``text`` (keeps long name lists compact)."""
    return tuple(text.split())


# Unit categories the demo uses: (code, name). Frameworks target these codes.
CATEGORIES: tuple[tuple[str, str], ...] = (
    ("township", "镇街"),
    ("party", "党群部门"),
    ("government", "政府部门"),
    ("institution", "事业单位"),
    ("soe", "国有企业"),
    ("school", "学校"),
    ("hospital", "医院"),
)

# County-level departments: (name, category code, smallest headcount, largest headcount).
# Every county gets the ones marked in ``CORE_DEPARTMENTS``; generated counties keep each
# of the others with a probability, so counties differ a little.
DEPARTMENTS: tuple[tuple[str, str, int, int], ...] = (
    # Party and mass organisations
    ("县委办公室", "party", 15, 35),
    ("县委组织部", "party", 15, 35),
    ("县委宣传部", "party", 10, 25),
    ("县委统战部", "party", 8, 20),
    ("县委政法委", "party", 8, 20),
    ("县委机构编制委员会办公室", "party", 8, 15),
    ("县委政策研究室", "party", 8, 12),
    ("县委网络安全和信息化委员会办公室", "party", 8, 15),
    ("县委老干部局", "party", 8, 20),
    ("县直机关工委", "party", 8, 12),
    ("县委党校", "party", 15, 40),
    ("县委党史研究室", "party", 8, 12),
    ("县人大常委会办公室", "party", 15, 40),
    ("县政协办公室", "party", 15, 35),
    ("县总工会", "party", 8, 20),
    ("团县委", "party", 8, 15),
    ("县妇联", "party", 8, 15),
    ("县科协", "party", 8, 12),
    ("县文联", "party", 8, 12),
    ("县残联", "party", 8, 20),
    ("县工商联", "party", 8, 12),
    ("县红十字会", "party", 8, 10),
    # Government departments
    ("县政府办公室", "government", 20, 50),
    ("县发展和改革局", "government", 20, 50),
    ("县教育局", "government", 30, 70),
    ("县科学技术局", "government", 10, 25),
    ("县工业和信息化局", "government", 15, 35),
    ("县公安局", "government", 150, 300),
    ("县民政局", "government", 15, 40),
    ("县司法局", "government", 20, 50),
    ("县财政局", "government", 30, 70),
    ("县人力资源和社会保障局", "government", 25, 60),
    ("县自然资源局", "government", 30, 80),
    ("县生态环境局", "government", 20, 50),
    ("县住房和城乡建设局", "government", 25, 60),
    ("县交通运输局", "government", 20, 60),
    ("县水利局", "government", 20, 50),
    ("县农业农村局", "government", 30, 80),
    ("县商务局", "government", 10, 30),
    ("县文化和旅游局", "government", 15, 40),
    ("县卫生健康委员会", "government", 20, 50),
    ("县退役军人事务局", "government", 10, 25),
    ("县应急管理局", "government", 15, 40),
    ("县审计局", "government", 15, 35),
    ("县市场监督管理局", "government", 40, 120),
    ("县统计局", "government", 10, 25),
    ("县信访局", "government", 10, 20),
    ("县医疗保障局", "government", 10, 30),
    ("县林业局", "government", 20, 60),
    ("县行政审批服务管理局", "government", 20, 50),
    ("县能源局", "government", 10, 30),
    ("县乡村振兴局", "government", 10, 25),
    ("县城市管理局", "government", 40, 120),
    ("县国防动员办公室", "government", 8, 12),
    ("县人民法院", "government", 60, 120),
    ("县人民检察院", "government", 40, 80),
    ("县经济开发区管委会", "government", 20, 60),
    ("县粮食局", "government", 8, 15),
    # Public institutions
    ("县融媒体中心", "institution", 30, 80),
    ("县档案馆", "institution", 8, 20),
    ("县疾病预防控制中心", "institution", 30, 60),
    ("县图书馆", "institution", 8, 20),
    ("县文化馆", "institution", 8, 20),
    ("县博物馆", "institution", 8, 15),
    ("县社会保险中心", "institution", 20, 40),
    ("县不动产登记中心", "institution", 15, 30),
    ("县公共资源交易中心", "institution", 8, 20),
    ("县住房公积金管理中心", "institution", 8, 15),
    ("县农业技术推广中心", "institution", 20, 50),
    ("县水利事业发展中心", "institution", 15, 40),
    ("县公路段", "institution", 40, 100),
    ("县园林绿化中心", "institution", 20, 60),
    ("县环境卫生服务中心", "institution", 40, 120),
    ("县综合检验检测中心", "institution", 10, 25),
    ("县政务服务中心", "institution", 20, 40),
    ("县劳动就业服务中心", "institution", 10, 25),
    ("县机关事务服务中心", "institution", 15, 40),
    ("县供销合作社联合社", "institution", 10, 30),
    ("县地方志研究室", "institution", 8, 10),
    ("县招生考试中心", "institution", 8, 12),
    # State-owned enterprises
    ("县城投公司", "soe", 20, 80),
    ("县交投公司", "soe", 15, 60),
    ("县国有资本投资运营有限公司", "soe", 15, 50),
    ("县供水有限公司", "soe", 30, 90),
    ("县文旅集团", "soe", 20, 80),
    ("县农业发展投资有限公司", "soe", 15, 50),
    ("县热力有限公司", "soe", 40, 120),
    ("县公共交通有限公司", "soe", 40, 100),
    ("县融资担保有限公司", "soe", 10, 25),
    ("县粮油购销有限公司", "soe", 15, 40),
    # Schools
    ("县第一中学", "school", 150, 300),
    ("县第二中学", "school", 100, 220),
    ("县职业中学", "school", 80, 200),
    ("县实验中学", "school", 80, 180),
    ("县实验小学", "school", 60, 150),
    ("县第二实验小学", "school", 60, 140),
    ("县特殊教育学校", "school", 15, 40),
    ("县第一幼儿园", "school", 30, 80),
    ("县教师进修学校", "school", 15, 40),
    # Hospitals
    ("县医疗集团", "hospital", 40, 100),
    ("县中医院", "hospital", 100, 250),
    ("县妇幼保健院", "hospital", 60, 150),
)

# Sub-units: (name, category code, smallest, largest headcount, parent unit's name).
SUB_UNITS: tuple[tuple[str, str, int, int, str], ...] = (
    ("县第一中学初中部", "school", 60, 150, "县第一中学"),
    ("县第一中学高中部", "school", 80, 200, "县第一中学"),
    ("县人民医院", "hospital", 200, 300, "县医疗集团"),
)

# The department that was merged away in the institutional reform: kept, inactive.
INACTIVE_DEPARTMENT = "县粮食局"
REFORM_DATE = (2019, 3, 31)

# Departments every county has: the station departments, sub-unit parents and the ones
# the demo accounts use.
CORE_DEPARTMENTS: frozenset[str] = frozenset(
    {
        "县委办公室",
        "县政府办公室",
        "县委组织部",
        "县委宣传部",
        "县委政法委",
        "县审计局",
        "县信访局",
        "县统计局",
        "县教育局",
        "县财政局",
        "县公安局",
        "县第一中学",
        "县医疗集团",
        INACTIVE_DEPARTMENT,
    }
)

# "8+8" data stations. Functional departments: (code suffix, unit name); commission
# offices: (code suffix, name).
STATION_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("CPC", "县委办公室"),
    ("GOV", "县政府办公室"),
    ("ORG", "县委组织部"),
    ("PUB", "县委宣传部"),
    ("LAW", "县委政法委"),
    ("AUDIT", "县审计局"),
    ("PETITION", "县信访局"),
    ("STATS", "县统计局"),
)
STATION_OFFICES: tuple[tuple[str, str], ...] = (
    ("CASE", "案件监督管理室"),
    ("CONDUCT", "党风政风监督室"),
    ("LETTERS", "信访室"),
    ("TRIAL", "案件审理室"),
    ("PR", "宣传部"),
    ("INVEST", "第一审查调查室"),
    ("PATROL", "巡察工作办公室"),
    ("CADRE", "干部监督室"),
)

# The demo county's townships, in order.
DEMO_TOWNSHIPS: tuple[str, ...] = (
    "黎侯镇",
    "东阳关镇",
    "上遥镇",
    "西井镇",
    "黄崖洞镇",
    "停河铺乡",
    "程家山乡",
    "洪井乡",
)

# Stems for generated township names ("<stem>镇", "<stem>乡", "<stem>街道").
TOWNSHIP_STEMS: tuple[str, ...] = words(
    "东关 西营 南寨 北社 古城 柳林 桃园 杏花 河口 石门 龙泉 凤鸣 马坊"
    " 王庄 李村 张店 赵庄 沙河 红星 新华 长宁 永安 太平 合河 官庄 土门"
    " 店上 下良 故县 韩洪 涌泉 丰宜 墨镫 蟠龙 西火 苏店 寺庄 南关 北营"
    " 大辛庄 小店 三里湾 五里铺 白家庄 梁家河 双井 青龙 金山 银川 望岳"
)

# Chinese numerals for group names.
NUMERALS: tuple[str, ...] = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")

# The province and its cities: (code, name). 长治市 is the demo city.
PROVINCE: tuple[str, str] = ("SX", "山西省")
CITIES: tuple[tuple[str, str], ...] = (
    ("TY", "太原市"),
    ("DT", "大同市"),
    ("YQ", "阳泉市"),
    ("CZ", "长治市"),
    ("JC", "晋城市"),
    ("SZ", "朔州市"),
    ("JZ", "晋中市"),
    ("YC", "运城市"),
    ("XZ", "忻州市"),
    ("LF", "临汾市"),
    ("LL", "吕梁市"),
)
DEMO_CITY_CODE = "CZ"

# The demo city's counties, in order; 黎城县 is the demo county.
DEMO_CITY_COUNTIES: tuple[str, ...] = words(
    "潞州区 上党区 屯留区 潞城区 襄垣县 平顺县 黎城县 壶关县 长子县 武乡县 沁县 沁源县"
)
DEMO_COUNTY = ("LC", "黎城县")
DEMO_COUNTY_CODE = f"{PROVINCE[0]}-{DEMO_CITY_CODE}-{DEMO_COUNTY[0]}"

# Generated county names: a first and a second character, then 县 or 区.
COUNTY_FIRST: str = "安平永清宁兴和昌临高云石河定武文德乐新古静灵阳泰襄汾介孝祁寿繁代偏岚方柳"
COUNTY_SECOND: str = "城平安阳山水源川宁泽州丰和乡原石林曲津谷泉定遥"

# Names. Surnames weighted roughly by frequency (common ones repeated).
SURNAMES: str = (
    "王王王王李李李李张张张张刘刘刘陈陈杨杨赵赵黄周吴徐孙胡朱高林何郭郭马罗梁宋郑谢韩唐"
    "冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹"
    "熊金陆郝郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹常武乔贺申牛栗原暴李王张"
)
GIVEN_MALE: str = (
    "建国军伟强明杰勇磊涛斌超鹏飞刚平辉峰波宇浩志华东海龙文晓新学俊国庆红卫振兴永亮"
    "鑫凯旭阳林松柏继忠诚德胜利民生福贵宏远"
)
GIVEN_FEMALE: str = "丽娟敏静燕艳芳霞红玲英华萍慧琳雪梅兰秀珍婷颖洁琴晶莉娜倩丹荣凤云彩月琪"

# Principal titles for units whose names say nothing standard, by exact name.
SPECIAL_PRINCIPAL_TITLES: dict[str, str] = {
    "县委办公室": "县委常委、办公室主任",
    "县委组织部": "县委常委、组织部部长",
    "县委宣传部": "县委常委、宣传部部长",
    "县委统战部": "县委常委、统战部部长",
    "县委政法委": "县委常委、政法委书记",
    "县政府办公室": "党组书记、主任",
    "县委党校": "常务副校长",
    "县直机关工委": "书记",
    "团县委": "书记",
    "县总工会": "党组书记、常务副主席",
    "县妇联": "党组书记、主席",
    "县科协": "主席",
    "县文联": "主席",
    "县工商联": "主席",
    "县残联": "党组书记、理事长",
    "县红十字会": "常务副会长",
    "县人民法院": "党组书记、院长",
    "县人民检察院": "党组书记、检察长",
    "县经济开发区管委会": "党工委书记、主任",
    "县供销合作社联合社": "党组书记、主任",
    "县公路段": "党支部书记、段长",
    "县医疗集团": "党委书记、总院长",
    "县第一幼儿园": "党支部书记、园长",
}

# Principal titles by the kind of unit, where the name is not special.
PRINCIPAL_TITLES: dict[str, str] = {
    "hospital": "党委书记、院长",
    "soe": "党委书记、董事长",
    "bureau": "党组书记、局长",
    "committee": "党组书记、主任",
    "ministry": "部长",
    "office": "主任",
    "mass": "主席",
}

# Team member titles, by the kind of unit (see ``demo.org.unit_kind``).
MEMBER_TITLES: dict[str, tuple[str, ...]] = {
    "bureau": ("党组成员、副局长", "副局长", "副局长", "纪检组长", "总工程师", "党组成员、副局长"),
    "committee": ("党组成员、副主任", "副主任", "副主任", "纪检组长"),
    "ministry": ("常务副部长", "副部长", "副部长", "部务委员"),
    "office": ("副主任", "副主任", "党组成员、副主任", "机关党支部书记"),
    "court": ("副院长", "副院长", "纪检组长", "审判委员会专职委员"),
    "procuratorate": ("副检察长", "副检察长", "检察委员会专职委员", "纪检组长"),
    "mass": ("副主席", "副主席", "党组成员、副主席", "副书记"),
    "centre": ("副主任", "副主任", "党支部副书记", "总会计师"),
    "school": ("副校长", "副校长", "党委副书记", "纪委书记", "工会主席"),
    "hospital": ("副院长", "副院长", "党委副书记", "纪委书记", "总会计师"),
    "soe": ("总经理", "副总经理", "副总经理", "纪委书记", "财务总监"),
}
# Townships: the head comes first, then the rest of the team.
TOWNSHIP_MEMBER_TITLES: tuple[str, ...] = words(
    "党委副书记 人大主席 纪委书记 组织委员 宣传委员 武装部部长"
)

# Demo accounts: (username, role, scope kind, target, display name, scope label). The
# target is a region, station or group code; for a unit scope the unit's name in the demo
# county; for a person scope the name of the unit whose principal the account is.
DEMO_ACCOUNTS: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("admin", Role.SYSTEM_ADMIN, ScopeKind.ALL, "", "系统管理员", "全部"),
    (
        "commission",
        Role.COMMISSION_ADMIN,
        ScopeKind.REGION,
        DEMO_COUNTY_CODE,
        "黎城县纪委监委管理员",
        "黎城县",
    ),
    (
        "analyst",
        Role.ANALYST,
        ScopeKind.REGION,
        DEMO_COUNTY_CODE,
        "黎城县纪委监委分析研判员",
        "黎城县",
    ),
    (
        "clerk",
        Role.STATION_CLERK,
        ScopeKind.STATION,
        "ST-ORG",
        "县委组织部数据采集员",
        "县委组织部（数据采集监测站）",
    ),
    (
        "reviewer",
        Role.STATION_REVIEWER,
        ScopeKind.STATION,
        "ST-CASE",
        "案件监督管理室审核员",
        "案件监督管理室（数据采集监测站）",
    ),
    # The late station of 2026Q3 (demo/completeness.py): its clerk still has to file.
    (
        "clerk2",
        Role.STATION_CLERK,
        ScopeKind.STATION,
        "ST-PETITION",
        "县信访局数据采集员",
        "县信访局（数据采集监测站）",
    ),
    (
        "reviewer2",
        Role.STATION_REVIEWER,
        ScopeKind.STATION,
        "ST-PETITION",
        "县信访局审核员",
        "县信访局（数据采集监测站）",
    ),
    (
        "group",
        Role.DISCIPLINE_GROUP_MEMBER,
        ScopeKind.DISCIPLINE_GROUP,
        "DG-LC-01",
        "派驻第一纪检监察组干部",
        "县纪委监委派驻第一纪检监察组",
    ),
    (
        "liaison",
        Role.UNIT_LIAISON,
        ScopeKind.UNIT,
        "县第一中学",
        "县第一中学联络员",
        "县第一中学及其初中部、高中部",
    ),
    (
        "leader",
        Role.LEADER,
        ScopeKind.PERSON,
        "县第一中学",
        "县第一中学主要负责人",
        "本人（县第一中学党委书记、校长）",
    ),
    # Two team members of the same school: each sees its own duty records, never the
    # other's nor the principal's (issue 14).
    (
        "member",
        Role.LEADER,
        ScopeKind.PERSON,
        "县第一中学#1",
        "县第一中学班子成员",
        "本人（县第一中学班子成员）",
    ),
    (
        "member2",
        Role.LEADER,
        ScopeKind.PERSON,
        "县第一中学#2",
        "县第一中学班子成员",
        "本人（县第一中学班子成员）",
    ),
    (
        "leadership",
        Role.LEADERSHIP,
        ScopeKind.REGION,
        DEMO_COUNTY_CODE,
        "黎城县领导",
        "黎城县（只读）",
    ),
)

# The county leaders in charge of departments (分管) and the commission's deputies who are
# the liaison contacts (联系) of the townships: (position, kind, department county forms;
# None: the townships, split between the liaison contacts).
LEADERS_IN_CHARGE: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    (
        "常务副县长",
        "in_charge",
        ("县政府办公室", "县发展和改革局", "县财政局", "县审计局", "县统计局"),
    ),
    (
        "副县长",
        "in_charge",
        ("县教育局", "县卫生健康委员会", "县文化和旅游局", "县民政局", "县人力资源和社会保障局"),
    ),
    ("副县长", "in_charge", ("县农业农村局", "县水利局", "县自然资源局", "县生态环境局")),
    (
        "副县长",
        "in_charge",
        (
            "县住房和城乡建设局",
            "县交通运输局",
            "县工业和信息化局",
            "县商务局",
            "县市场监督管理局",
            "县应急管理局",
        ),
    ),
    ("副县长、县公安局局长", "in_charge", ("县公安局", "县司法局", "县信访局", "县退役军人事务局")),
    ("县纪委副书记、县监委副主任", "liaison", None),
    ("县纪委常委、县监委委员", "liaison", None),
)
