"""A held-out messy district spreadsheet, built in code: the kind a district office really sends.

    row 1   婺城区重点企业名录（2024年度）                     title, merged A1:I1; the only year
    row 2   基本信息 (A2:D2) | 经营情况 (E2:I2)                merged group headers
    row 3   序号 企业名称 统一社会信用代码 注册地址 营业收入（万元） 资产总额（亿元） 从业人员
            研发费用（万元） 实缴税金（万元）
    row 4…  data: full-width digits, a bad and a legacy code, a checksum-only failure, a duplicate,
            formulas with cached values (=E4*2, =SUM(...)), an error formula (=1/0)
    then    合计 (in 序号), 本页合计 (in 企业名称), and a merged 注：… note

No year column: the year comes from the title. Money is stored in 万元, so 亿元 is ×10000.
`build(path)` writes it; EXPECTED says what a reader must make of each row, for the engine test
and for the full import flow (the registry's own tests can reuse both).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from corridor.engine.uscc import make_uscc

TITLE = "婺城区重点企业名录（2024年度）"
YEAR = 2024
HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "注册地址",
    "营业收入（万元）",
    "资产总额（亿元）",
    "从业人员",
    "研发费用（万元）",
    "实缴税金（万元）",
]
HEADER_ROWS = [2, 3]
DATA_START = 4

U_JIA = make_uscc("9", "1", "330702", "MA2D0001")
U_YI = make_uscc("9", "1", "330702", "MA2D0002")
U_JI = make_uscc("9", "1", "330702", "MA2D0007")
U_GENG = make_uscc("9", "1", "330702", "MA2D0008")
U_CHECKSUM = U_GENG[:17] + ("0" if U_GENG[17] != "0" else "1")  # fails only its check character
U_SHORT = "91330702MA2D0003"  # 16 characters
LEGACY = "330702000012345"  # a 15-digit 注册号 from before 2015
FULLWIDTH_U_YI = U_YI.translate(
    {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"}
)
ADDRESS = "浙江省金华市婺城区宾虹西路{}号"
D = Decimal

# What each row must become. values: the cleaned values of a row read (year from the title);
# codes: (code, severity, column label or "") of its issues.
EXPECTED: dict[int, dict[str, Any]] = {
    4: {
        "values": {
            "name": "甲科技有限公司",
            "uscc": U_JIA,
            "address": ADDRESS.format(1),
            "revenue": D("1200.5"),
            "total_assets": D("12000"),  # 1.2 亿元
            "employees": 100,
            "rd_expense": D("50"),
            "tax_paid": D("30"),
            "year": YEAR,
        },
        "codes": [],
    },
    5: {  # full-width digits in the code, an amount and a count
        "values": {
            "name": "乙科技有限公司",
            "uscc": U_YI,
            "address": ADDRESS.format(2),
            "revenue": D("1300.5"),
            "total_assets": D("5000"),  # "０．５" 亿元
            "employees": 50,
            "rd_expense": D("20"),
            "tax_paid": D("10"),
            "year": YEAR,
        },
        "codes": [],
    },
    6: {"codes": [("uscc_length", "error", "基本信息/统一社会信用代码")], "value": U_SHORT},
    7: {"codes": [("uscc_length", "error", "基本信息/统一社会信用代码")], "value": LEGACY},
    8: {"codes": [("uscc_checksum", "warning", "基本信息/统一社会信用代码")], "value": U_CHECKSUM},
    9: {"codes": [("duplicate_row", "skipped", "")], "first_row": 4},
    10: {  # formulas: their cached results are read
        "values": {
            "name": "己科技有限公司",
            "uscc": U_JI,
            "address": ADDRESS.format(7),
            "revenue": D("2401"),  # =E4*2
            "total_assets": D("3000"),
            "employees": 30,
            "rd_expense": D("70"),  # =SUM(H4:H5)
            "tax_paid": D("5"),
            "year": YEAR,
        },
        "codes": [],
    },
    11: {"codes": [("formula", "error", "经营情况/营业收入（万元）")], "value": "#DIV/0!"},
    12: {"codes": [("totals_row", "skipped", "")]},  # 合计 in 序号
    13: {"codes": [("totals_row", "skipped", "")]},  # 本页合计 in 企业名称
}
NOTE_ROW = 14  # 注：…, merged over the row: not an error, not imported
LAST_ROW = 14


def build(path: Path) -> Path:
    """Write the workbook to path (xlsx) and return it."""
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("重点企业")
    ws.merge_range(0, 0, 0, 8, TITLE)
    ws.merge_range(1, 0, 1, 3, "基本信息")
    ws.merge_range(1, 4, 1, 8, "经营情况")
    ws.write_row(2, 0, HEADER)
    ws.write_row(3, 0, [1, "甲科技有限公司", U_JIA, ADDRESS.format(1), 1200.5, 1.2, 100, 50, 30])
    ws.write_row(
        4,
        0,
        [
            2,
            "乙科技有限公司",
            FULLWIDTH_U_YI,
            ADDRESS.format(2),
            "１，３００．５",
            "０．５",
            "５０",
            20,
            "１０",
        ],
    )
    ws.write_row(5, 0, [3, "丙科技有限公司", U_SHORT, ADDRESS.format(3), 800, 0.1, 20, 5, 1])
    ws.write_row(6, 0, [4, "丁科技有限公司", LEGACY, ADDRESS.format(4), 600, 0.1, 15, 4, 1])
    ws.write_row(7, 0, [5, "庚科技有限公司", U_CHECKSUM, ADDRESS.format(5), 500, 0.1, 12, 3, 1])
    # Row 9 repeats row 4 (only its 序号, which is not imported, differs).
    ws.write_row(8, 0, [6, "甲科技有限公司", U_JIA, ADDRESS.format(1), 1200.5, 1.2, 100, 50, 30])
    ws.write_row(9, 0, [7, "己科技有限公司", U_JI, ADDRESS.format(7), None, 0.3, 30, None, 5])
    ws.write_formula(9, 4, "=E4*2", None, 2401)
    ws.write_formula(9, 7, "=SUM(H4:H5)", None, 70)
    ws.write_row(10, 0, [8, "辛科技有限公司", U_GENG, ADDRESS.format(8), None, 0.2, 9, 2, 1])
    ws.write_formula(10, 4, "=1/0", None, "#DIV/0!")
    ws.write_row(11, 0, ["合计", None, None, None, None, None, None, None, None])
    ws.write_formula(11, 4, "=SUM(E4:E11)", None, 6702.0)
    ws.write_formula(11, 6, "=SUM(G4:G11)", None, 336)
    ws.write_row(12, 0, [None, "本页合计", None, None, 6702.0, 2.6, 336, 204, 79])
    ws.merge_range(13, 0, 13, 8, "注：1. 数据来源于区统计局；2. 金额单位除注明外为万元。")
    book.close()
    return path
