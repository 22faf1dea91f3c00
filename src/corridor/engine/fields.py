"""The columns an enterprise import understands: name, kind, and the header aliases that map to it.

Kinds: text, uscc, date, money (stored in 万元), int, decimal, float, bool, choice, year, tags.
Aliases are compared after normalisation (half-width, lower-case, no spaces, unit in brackets removed).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportField:
    """One importable column."""

    name: str
    kind: str
    label_en: str
    label_zh: str
    aliases: tuple[str, ...] = ()
    target: str = "enterprise"  # enterprise | facts
    choices: dict[str, str] = field(default_factory=dict)  # accepted spelling -> stored value
    max_length: int | None = None


STATUS_CHOICES = {
    "operating": "operating",
    "存续": "operating",
    "在业": "operating",
    "开业": "operating",
    "在营": "operating",
    "正常": "operating",
    "存续(在营、开业、在册)": "operating",
    "cancelled": "cancelled",
    "注销": "cancelled",
    "吊销": "cancelled",
    "已注销": "cancelled",
    "吊销,未注销": "cancelled",
    "moved_out": "moved_out",
    "迁出": "moved_out",
    "已迁出": "moved_out",
    "moved out": "moved_out",
}
LOCAL_CHOICES = {
    "本地": "true",
    "local": "true",
    "是": "true",
    "yes": "true",
    "y": "true",
    "true": "true",
    "1": "true",
    "外地": "false",
    "external": "false",
    "否": "false",
    "no": "false",
    "n": "false",
    "false": "false",
    "0": "false",
}

ENTERPRISE_FIELDS: tuple[ImportField, ...] = (
    ImportField(
        "name",
        "text",
        "Name",
        "企业名称",
        (
            "名称",
            "企业名称",
            "公司名称",
            "单位名称",
            "企业(单位)名称",
            "name",
            "enterprise",
            "company",
            "company name",
            "enterprise name",
        ),
        max_length=200,
    ),
    ImportField(
        "uscc",
        "uscc",
        "Unified social credit code",
        "统一社会信用代码",
        (
            "统一社会信用代码",
            "信用代码",
            "社会信用代码",
            "统一代码",
            "uscc",
            "credit code",
            "unified social credit code",
        ),
    ),
    ImportField(
        "legal_form",
        "text",
        "Legal form",
        "企业类型",
        (
            "企业类型",
            "公司类型",
            "企业性质",
            "登记注册类型",
            "legal form",
            "entity type",
            "company type",
        ),
        max_length=60,
    ),
    ImportField(
        "established_on",
        "date",
        "Established",
        "成立日期",
        (
            "成立日期",
            "成立时间",
            "注册日期",
            "established",
            "established on",
            "date of establishment",
            "founded",
        ),
    ),
    ImportField(
        "registered_capital",
        "money",
        "Registered capital",
        "注册资本",
        ("注册资本", "注册资金", "registered capital"),
    ),
    ImportField(
        "address",
        "text",
        "Registered address",
        "注册地址",
        ("注册地址", "地址", "住所", "企业地址", "通讯地址", "address", "registered address"),
        max_length=300,
    ),
    ImportField(
        "province",
        "text",
        "Province",
        "省份",
        ("省", "省份", "所属省份", "province"),
        max_length=32,
    ),
    ImportField(
        "city", "text", "City", "城市", ("市", "城市", "所属城市", "地市", "city"), max_length=32
    ),
    ImportField(
        "county",
        "text",
        "County",
        "区县",
        ("区县", "县区", "所属区县", "区", "县", "county", "district"),
        max_length=32,
    ),
    ImportField(
        "county_code",
        "text",
        "County code (GB/T 2260)",
        "区县代码",
        ("区县代码", "行政区划代码", "county code", "division code"),
        max_length=6,
    ),
    ImportField("latitude", "float", "Latitude", "纬度", ("纬度", "latitude", "lat")),
    ImportField("longitude", "float", "Longitude", "经度", ("经度", "longitude", "lng", "lon")),
    ImportField(
        "industry_code",
        "text",
        "Industry code (GB/T 4754)",
        "行业代码",
        ("行业代码", "国民经济行业代码", "行业分类代码", "industry code", "gb/t 4754"),
    ),
    ImportField(
        "business_scope",
        "text",
        "Business scope",
        "经营范围",
        ("经营范围", "business scope", "scope"),
    ),
    ImportField(
        "main_products",
        "text",
        "Main products",
        "主要产品",
        ("主要产品", "主营产品", "主营业务", "main products", "products"),
    ),
    ImportField(
        "is_local",
        "bool",
        "Local or external",
        "本地/外地",
        ("本地/外地", "是否本地", "本地企业", "local", "is local"),
        choices=LOCAL_CHOICES,
    ),
    ImportField(
        "park",
        "text",
        "Park / zone",
        "所在园区",
        ("所在园区", "园区", "所属园区", "park", "zone"),
        max_length=120,
    ),
    ImportField(
        "status",
        "choice",
        "Status",
        "经营状态",
        ("经营状态", "登记状态", "企业状态", "状态", "status"),
        choices=STATUS_CHOICES,
    ),
    ImportField("tags", "tags", "Tags", "标签", ("标签", "tags")),
    ImportField(
        "year", "year", "Year", "年份", ("年份", "年度", "统计年度", "year"), target="facts"
    ),
    ImportField(
        "revenue",
        "money",
        "Revenue",
        "营业收入",
        ("营业收入", "营收", "销售收入", "revenue", "sales", "operating revenue"),
        target="facts",
    ),
    ImportField(
        "main_business_revenue",
        "money",
        "Main-business revenue",
        "主营业务收入",
        ("主营业务收入", "主营收入", "main business revenue", "main-business revenue"),
        target="facts",
    ),
    ImportField(
        "total_costs",
        "money",
        "Total costs",
        "成本费用总额",
        ("成本费用总额", "总成本", "成本费用", "total costs"),
        target="facts",
    ),
    ImportField(
        "rd_expense",
        "money",
        "R&D expense",
        "研发费用",
        ("研发费用", "研发投入", "研究开发费用", "r&d expense", "r&d", "rd expense"),
        target="facts",
    ),
    ImportField(
        "rd_expense_domestic",
        "money",
        "R&D expense in China",
        "境内研发费用",
        ("境内研发费用", "境内研究开发费用", "domestic r&d expense", "r&d expense in china"),
        target="facts",
    ),
    ImportField(
        "total_assets",
        "money",
        "Total assets",
        "资产总额",
        ("资产总额", "总资产", "资产总计", "total assets"),
        target="facts",
    ),
    ImportField(
        "total_liabilities",
        "money",
        "Liabilities",
        "负债总额",
        ("负债总额", "总负债", "负债合计", "liabilities", "total liabilities"),
        target="facts",
    ),
    ImportField(
        "employees",
        "int",
        "Employees",
        "从业人员",
        ("从业人员", "从业人数", "员工人数", "职工人数", "employees", "headcount", "staff"),
        target="facts",
    ),
    ImportField(
        "rd_staff",
        "int",
        "R&D / technology staff",
        "科技人员",
        ("科技人员", "研发人员", "科技人员数", "研发人员数", "r&d staff", "technology staff"),
        target="facts",
    ),
    ImportField(
        "high_tech_income",
        "money",
        "High-tech product income",
        "高新技术产品收入",
        (
            "高新技术产品收入",
            "高新技术产品(服务)收入",
            "high-tech income",
            "high-tech product income",
        ),
        target="facts",
    ),
    ImportField(
        "exports",
        "money",
        "Exports",
        "出口额",
        ("出口额", "出口交货值", "出口", "exports"),
        target="facts",
    ),
    ImportField(
        "tax_paid",
        "money",
        "Tax paid",
        "实缴税金",
        ("实缴税金", "纳税额", "税收", "缴税", "tax paid", "tax"),
        target="facts",
    ),
    ImportField(
        "new_equity_financing",
        "money",
        "New equity financing",
        "新增股权融资",
        ("新增股权融资", "股权融资", "new equity financing", "equity financing"),
        target="facts",
    ),
    ImportField(
        "source",
        "text",
        "Source",
        "数据来源",
        ("数据来源", "来源", "source", "data source"),
        target="facts",
        max_length=120,
    ),
    ImportField(
        "as_of",
        "date",
        "As of",
        "截至日期",
        ("截至日期", "数据日期", "统计日期", "as of", "as-of date"),
        target="facts",
    ),
)

FIELDS_BY_NAME = {f.name: f for f in ENTERPRISE_FIELDS}
FACT_FIELDS = tuple(
    f.name for f in ENTERPRISE_FIELDS if f.target == "facts" and f.name not in ("year",)
)
