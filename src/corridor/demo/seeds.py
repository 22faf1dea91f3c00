"""Real entities the district itself describes (shared/reference/seed-facts.md): public facts only.

No figures are invented for them: they carry names, places and the titles the source states,
and no yearly facts. Their source is recorded on each row.
"""

from __future__ import annotations

from typing import Any

SOURCE = "婺城区报 2025年1月头版 (Wucheng district newspaper, front page, early January 2025)"
WUCHENG = {
    "province": "浙江省",
    "city": "金华市",
    "county": "婺城区",
    "province_code": "330000",
    "city_code": "330700",
    "county_code": "330702",
}

PARKS: list[dict[str, Any]] = [
    {
        "name": "浙师大金华科创园",
        "name_en": "Zhejiang Normal University Jinhua Sci-Tech Park",
        "kind": "science_park",
        "operator": "婺城城投集团",
        "description": "师大创新城核心先行区；聚焦智慧教育、人工智能、科创文创；区校融合，集项目孵化、创业教育、基金投资、科技成果转化于一体。已发布《浙师大金华科创园入园管理办法》。",
    },
    {
        "name": "师大创新城",
        "name_en": "Normal-University Innovation City",
        "kind": "science_park",
        "operator": "",
        "description": "孵化池所在地（育种在浙师大、孵化在创新城、成长在婺开区）。",
    },
    {
        "name": "金华电子商务创业园",
        "name_en": "Jinhua e-commerce start-up park",
        "kind": "startup_park",
        "operator": "",
        "description": "2011年起运营，带动就业2000余人。",
    },
    {
        "name": "乾西工贸区",
        "name_en": "Qianxi industrial and trade zone",
        "kind": "industrial_zone",
        "operator": "",
        "description": "",
    },
    {
        "name": "婺开区",
        "name_en": "Wucheng development zone",
        "kind": "development_zone",
        "operator": "",
        "description": "培育池所在地。",
    },
]

ACADEMY = {
    "name": "婺城产业人才学院",
    "lead_agency": "婺城区人力资源和社会保障局",
    "operator": "区人才发展集团",
    "description": "全省首批产业人才学院试点之一；教育链、人才链、产业链“三位一体”，政府、高校、企业、人力资源服务机构“四方联动”。",
}
PROGRAMMES = [
    {
        "name": "浙赣“蔚蓝计划”",
        "partner": "江西枫林涉外经贸职业学院；金华职业技术大学",
        "duration_months": 5,
        "description": "2024年底启动，约30名学生；1个月集中培训（学院与金华职业技术大学精密制造产业园），2个月企业实践（如宝琳科技模具钳工岗位，师带徒），2个月回金华职业技术大学。",
    },
]

ENTERPRISES: list[dict[str, Any]] = [
    {
        "name": "金华市宇辰粉末冶金有限公司",
        "main_products": "粉末冶金",
        "tags": ["重点产业链走访企业"],
        "park": None,
    },
    {
        "name": "浙江煌嘉电器有限公司",
        "main_products": "电器",
        "tags": ["重点产业链走访企业"],
        "park": None,
    },
    {
        "name": "浙江万里扬股份有限公司",
        "main_products": "新能源汽车驱动总成（未来工厂）",
        "tags": ["重点产业链走访企业"],
        "park": None,
    },
    {
        "name": "宝琳科技股份有限公司",
        "main_products": "",
        "tags": ["2024年省先进（未来）技术创新成果", "蔚蓝计划实践企业"],
        "park": None,
    },
    {
        "name": "浙江八达电子仪表有限公司",
        "main_products": "电子仪表（数字化车间）",
        "tags": ["数字化车间"],
        "park": "乾西工贸区",
        "titles": [
            {
                "title": "little_giant",
                "level": "national",
                "source": "专精特新“小巨人” 2024年 (issue and expiry dates not stated in the source)",
            }
        ],
    },
]
