"""The metrics a policy criterion may name: what each measures, its unit and how a shortfall is closed.

Kinds:
- fact: a yearly figure of the registry (万元, or persons for staff counts);
- ratio: numerator ÷ denominator of two yearly facts. A shortfall is the amount to add to the
  numerator; when the numerator is part of the denominator (R&D staff are staff, R&D is a cost),
  adding x raises both: (n + x) / (d + x) ≥ t ⇒ x ≥ (t·d − n) / (1 − t);
- ip: a count of intellectual-property items held (by class), items;
- age: full years since registration on the evaluation day;
- assessment: an input the registry cannot hold (expert score, niche years, no major incident…),
  entered per enterprise with a source and date; `expert` ones are manual_review when missing;
- title / platform: whether a title or an R&D-platform level is held in force (`title.high_tech`,
  `platform.city_rd_center`);
- sector: whether the enterprise's industry code falls in a sector (`sector.industry`).
Only fact, ratio and ip metrics are closable: they change by a stated amount of money, staff or items.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MONEY = "万元"
PERSONS = "persons"
ITEMS = "items"
YEARS = "years"
PERCENT = "%"
POINTS = "points"
FLAG = ""

FACT = "fact"
RATIO = "ratio"
IP = "ip"
AGE = "age"
ASSESSMENT = "assessment"
TITLE = "title"
PLATFORM = "platform"
SECTOR = "sector"

NUMBER = "number"
BOOLEAN = "boolean"


@dataclass(frozen=True)
class Metric:
    id: str
    kind: str
    zh: str
    en: str
    unit: str
    numerator: str = ""  # ratio: the fact added to close a shortfall
    denominator: str = ""
    numerator_in_denominator: bool = False
    value_type: str = NUMBER
    expert: bool = False  # an expert judgement: missing → manual_review rather than unknown

    @property
    def closable(self) -> bool:
        """Whether a shortfall on this metric is closed by adding a stated amount."""
        return self.kind in (FACT, RATIO, IP)

    @property
    def yearly(self) -> bool:
        return self.kind in (FACT, RATIO)

    @property
    def shortfall_unit(self) -> str:
        return FACTS[self.numerator].unit if self.kind == RATIO else self.unit


FACTS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric("revenue", FACT, "营业收入", "revenue", MONEY),
        Metric("main_business_revenue", FACT, "主营业务收入", "main-business revenue", MONEY),
        Metric("total_costs", FACT, "成本费用总额", "total costs", MONEY),
        Metric("rd_expense", FACT, "研发费用", "R&D expense", MONEY),
        Metric("rd_expense_domestic", FACT, "境内研发费用", "R&D expense in China", MONEY),
        Metric("total_assets", FACT, "资产总额", "total assets", MONEY),
        Metric("total_liabilities", FACT, "负债总额", "total liabilities", MONEY),
        Metric("employees", FACT, "职工总数", "employees", PERSONS),
        Metric("rd_staff", FACT, "科技人员", "technology staff", PERSONS),
        Metric("high_tech_income", FACT, "高新技术产品(服务)收入", "high-tech income", MONEY),
        Metric("new_equity_financing", FACT, "新增股权融资", "new equity financing", MONEY),
    )
}


def _ratio(id: str, zh: str, en: str, num: str, den: str, inside: bool) -> Metric:
    return Metric(id, RATIO, zh, en, PERCENT, num, den, inside)


RATIOS: dict[str, Metric] = {
    m.id: m
    for m in (
        _ratio(
            "rd_intensity",
            "研发费用占营业收入比例",
            "R&D ÷ revenue",
            "rd_expense",
            "revenue",
            False,
        ),
        _ratio(
            "rd_cost_share",
            "研发费用占成本费用比例",
            "R&D ÷ total costs",
            "rd_expense",
            "total_costs",
            True,
        ),
        _ratio(
            "rd_staff_share",
            "科技人员占职工总数比例",
            "technology staff ÷ employees",
            "rd_staff",
            "employees",
            True,
        ),
        _ratio(
            "high_tech_income_share",
            "高新技术产品(服务)收入占比",
            "high-tech income ÷ revenue",
            "high_tech_income",
            "revenue",
            True,
        ),
        _ratio(
            "main_business_share",
            "主营业务收入占营业收入比例",
            "main business ÷ revenue",
            "main_business_revenue",
            "revenue",
            True,
        ),
        _ratio(
            "debt_ratio", "资产负债率", "debt ratio", "total_liabilities", "total_assets", False
        ),
        _ratio(
            "rd_domestic_share",
            "境内研发费用占比",
            "R&D in China ÷ all R&D",
            "rd_expense_domestic",
            "rd_expense",
            True,
        ),
    )
}

# IP kinds of the input and the class each counts in (科技型中小企业评价办法: Class I / Class II).
IP_CLASS_1 = ("invention_patent", "plant_variety", "new_drug", "ic_layout", "national_tcm")
IP_CLASS_2 = ("utility_model", "design_patent", "software_copyright")
IP_KINDS = IP_CLASS_1 + IP_CLASS_2

IPS: dict[str, Metric] = {
    m.id: m
    for m in (
        Metric("ip_class1", IP, "I类知识产权", "Class-I IP items", ITEMS),
        Metric("ip_class2", IP, "II类知识产权", "Class-II IP items", ITEMS),
        Metric("ip_invention", IP, "发明专利", "invention patents", ITEMS),
    )
}
IP_MEMBERS: dict[str, tuple[str, ...]] = {
    "ip_class1": IP_CLASS_1,
    "ip_class2": IP_CLASS_2,
    "ip_invention": ("invention_patent",),
}


def _judged(id: str, zh: str, en: str, unit: str = FLAG, expert: bool = False) -> Metric:
    kind = BOOLEAN if unit == FLAG else NUMBER
    return Metric(id, ASSESSMENT, zh, en, unit, value_type=kind, expert=expert)


ASSESSMENTS: dict[str, Metric] = {
    m.id: m
    for m in (
        _judged("innovation_score", "创新能力评价得分", "innovation-capacity score", POINTS, True),
        _judged(
            "in_supported_field",
            "属于国家重点支持的高新技术领域",
            "in a supported high-tech field",
            expert=True,
        ),
        _judged(
            "ip_core_support",
            "知识产权对主要产品起核心支持作用",
            "IP gives core support to the main products",
            expert=True,
        ),
        _judged(
            "no_major_incident",
            "无重大安全、质量事故或严重环境违法",
            "no major accident or serious environmental violation",
        ),
        _judged(
            "not_restricted_industry",
            "产品不属于禁止、限制和淘汰类",
            "products not prohibited, restricted or obsolete",
        ),
        _judged(
            "not_on_dishonesty_list",
            "未列入经营异常名录和严重失信名单",
            "not on the abnormal-operation or dishonesty lists",
        ),
        _judged("no_research_misconduct", "无科研严重失信行为", "no research misconduct"),
        _judged(
            "mainland_resident",
            "在中国境内注册的居民企业",
            "resident enterprise registered in mainland China",
        ),
        _judged("niche_years", "从事细分市场年限", "years in the niche market", YEARS),
        _judged("niche_market_share", "细分市场占有率", "niche market share", PERCENT),
        _judged("niche_national_top3", "细分市场全国前三", "national top 3 in the niche"),
        _judged(
            "development_score", "发展评价得分(工信部)", "MIIT development score", POINTS, True
        ),
        _judged(
            "strategic_emerging_field",
            "属于战略性新兴产业",
            "in a strategic emerging industry",
            expert=True,
        ),
        _judged(
            "ip_high_value_class1",
            "拥有高价值I类知识产权",
            "holds high-value Class-I IP",
            expert=True,
        ),
        _judged(
            "ip_class1_self_developed", "拥有自主研发I类知识产权", "holds self-developed Class-I IP"
        ),
        _judged(
            "science_award_national_5y",
            "近5年获国家科技奖(排名靠前)",
            "national science award in 5 years (top-ranked)",
        ),
        _judged(
            "science_award_3y",
            "近3年获国家级或省级科技奖",
            "national or provincial science award in 3 years",
        ),
        _judged("provincial_award_top3", "获省级科技奖(前三)", "provincial science award (top 3)"),
        _judged("national_award_top3", "获国家级科技奖(前三)", "national science award (top 3)"),
        _judged("national_award", "获国家级科技奖", "national science award"),
        _judged(
            "provincial_rd_institution",
            "拥有省部级以上研发机构",
            "accredited provincial/ministerial R&D institution",
        ),
        _judged(
            "led_standard_5y",
            "近5年主导制定国际、国家或行业标准",
            "led an international/national/industry standard in 5 years",
        ),
        _judged("chuangke_top500", "创客中国全国500强", '"Maker in China" national top 500'),
        _judged(
            "rd_unit_staff",
            "独立研发机构全职人员数",
            "full-time staff of the independent R&D unit",
            PERSONS,
        ),
        _judged(
            "rd_unit_degree_share",
            "研发机构本科或中级职称以上人员占比",
            "R&D unit staff with a degree or intermediate title",
            PERCENT,
        ),
    )
}

# Sectors by GB/T 4754 industry code: a section letter, or the two-digit division.
SECTOR_DIVISIONS: dict[str, tuple[tuple[int, int], ...]] = {
    "industry": ((6, 46),),  # B mining, C manufacturing, D utilities
    "construction": ((47, 50),),
    "wholesale_retail": ((51, 52),),
    "accommodation_catering": ((61, 62),),
    "real_estate": ((70, 70),),
}
SECTOR_LETTERS = {"B": "industry", "C": "industry", "D": "industry", "E": "construction"}
SECTOR_LETTERS |= {"F": "wholesale_retail", "H": "accommodation_catering", "K": "real_estate"}
SECTORS = (*SECTOR_DIVISIONS, "services")
SECTOR_LABELS = {
    "industry": ("工业", "industry"),
    "construction": ("建筑业", "construction"),
    "wholesale_retail": ("批发和零售业", "wholesale and retail"),
    "accommodation_catering": ("住宿和餐饮业", "accommodation and catering"),
    "real_estate": ("房地产开发经营", "real-estate development"),
    "services": ("服务业", "services"),
}

AGE_METRIC = Metric("years_established", AGE, "注册成立年限", "years since registration", YEARS)

# R&D platform levels (Zhejiang): inputs in rd_platforms[].level.
PLATFORM_LEVELS = (
    "city_rd_center",
    "provincial_rd_center",
    "enterprise_research_institute",
    "key_enterprise_research_institute",
)


def sector_of(code: str | None) -> str | None:
    """The sector of a GB/T 4754 code ('C3411', '3411', 'C'); None when the code is missing or unreadable."""
    if not code:
        return None
    code = code.strip().upper()
    if code[:1].isalpha():
        if code[1:3].isdigit():
            code = code[1:]
        else:
            return SECTOR_LETTERS.get(code[:1], "services")
    if not code[:2].isdigit():
        return None
    division = int(code[:2])
    for sector, spans in SECTOR_DIVISIONS.items():
        if any(low <= division <= high for low, high in spans):
            return sector
    return "services"


@lru_cache(maxsize=1024)
def lookup(id: str) -> Metric | None:
    """The metric a criterion names, including `title.X`, `platform.X` and `sector.X`."""
    for table in (FACTS, RATIOS, IPS, ASSESSMENTS):
        if id in table:
            return table[id]
    if id == AGE_METRIC.id:
        return AGE_METRIC
    prefix, _, name = id.partition(".")
    if prefix == TITLE and name.replace("_", "").isalnum() and name.islower():
        zh, en = TITLE_LABELS.get(name, (name, name))
        return Metric(id, TITLE, f"已获{zh}称号", f"holds the {en} title", FLAG, value_type=BOOLEAN)
    if prefix == PLATFORM and name in PLATFORM_LEVELS:
        zh, en = PLATFORM_LABELS[name]
        return Metric(id, PLATFORM, f"已认定为{zh}", f"is a {en}", FLAG, value_type=BOOLEAN)
    if prefix == SECTOR and name in SECTORS:
        zh, en = SECTOR_LABELS[name]
        return Metric(id, SECTOR, f"属于{zh}", f"in {en}", FLAG, value_type=BOOLEAN)
    return None


PLATFORM_LABELS = {
    "city_rd_center": ("市级企业研发中心", "city R&D centre"),
    "provincial_rd_center": ("省级企业研发中心", "provincial R&D centre"),
    "enterprise_research_institute": ("省级企业研究院", "provincial enterprise research institute"),
    "key_enterprise_research_institute": (
        "省级重点企业研究院",
        "provincial key enterprise research institute",
    ),
}
# Titles the policies name (input titles[].title); any other lower-case id is accepted too.
TITLE_LABELS = {
    "high_tech": ("高新技术企业", "high-tech enterprise"),
    "tech_sme": ("科技型中小企业", "technology-based SME"),
    "innovative_sme": ("创新型中小企业", "innovative SME"),
    "specialised_sme": ("专精特新中小企业", "specialised and sophisticated SME"),
    "little_giant": ("专精特新“小巨人”企业", "little giant"),
    "tech_innovation_demo": ("技术创新示范企业", "technology-innovation demonstration enterprise"),
    "ip_advantage": ("知识产权优势（示范）企业", "IP advantage / demonstration enterprise"),
}


def known_metric_ids() -> list[str]:
    """Every plain metric id (the prefixed families are listed by their pattern)."""
    plain = [*FACTS, *RATIOS, *IPS, *ASSESSMENTS, AGE_METRIC.id]
    return plain + ["title.<id>", "platform.<level>", "sector.<sector>"]
