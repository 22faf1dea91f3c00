"""The rule layer and learned layer of the classifier, on a small hand-written atlas."""

from __future__ import annotations

import pytest

from corridor.engine.chains import ChainDefinitionError, chain_to_dict, parse_chain, validate_atlas
from corridor.engine.classify import RuleClassifier, clause_discount, normalise, position_weight
from corridor.engine.classify_model import Classifier, Example, LinearModel, train, training_rows

MINI = {
    "id": "nev",
    "version": 3,
    "name": {"zh": "新能源汽车", "en": "NEV"},
    "nodes": [
        {
            "id": "nev.battery_materials",
            "name": {"zh": "电池材料", "en": "Battery materials"},
            "stage": "upstream",
            "terms": ["正极材料", "负极材料", "锂离子电池正极材料"],
            "synonyms": ["电子专用材料"],
        },
        {
            "id": "nev.battery",
            "name": {"zh": "动力电池", "en": "Batteries"},
            "stage": "midstream",
            "terms": ["动力电池", "锂离子电池"],
            "synonyms": ["电池"],
            "exclusions": ["电动自行车"],
        },
        {
            "id": "nev.battery.pack",
            "parent": "nev.battery",
            "name": {"zh": "电池包", "en": "Packs"},
            "stage": "midstream",
            "terms": ["电池包"],
        },
        {
            "id": "nev.vehicle",
            "name": {"zh": "整车", "en": "Vehicles"},
            "stage": "downstream",
            "terms": ["新能源汽车整车", "乘用车"],
        },
    ],
    "edges": [
        {"from": "nev.battery_materials", "to": "nev.battery"},
        {"from": "nev.battery", "to": "nev.vehicle"},
    ],
}
PT = {
    "id": "pt",
    "version": 1,
    "name": {"zh": "电动工具", "en": "Power tools"},
    "nodes": [
        {
            "id": "pt.channel",
            "name": {"zh": "品牌与渠道", "en": "Brands and channels"},
            "stage": "downstream",
            "terms": ["电动工具品牌"],
            "counts_trade": True,
        },
        {
            "id": "pt.battery",
            "name": {"zh": "电池包", "en": "Tool batteries"},
            "stage": "midstream",
            "synonyms": ["电池"],
        },
    ],
    "edges": [],
    "cross_edges": [{"from": "pt.battery", "to": "nev.vehicle"}],
}


@pytest.fixture(scope="module")
def rules() -> RuleClassifier:
    chains = (parse_chain(MINI), parse_chain(PT))
    validate_atlas(chains)
    return RuleClassifier(chains)


def labels(rules: RuleClassifier, **text: str) -> list[str]:
    return rules.labels(rules.classify(**text))


def test_making_clause_counts_and_selling_clause_does_not(rules: RuleClassifier) -> None:
    assert labels(rules, scope="锂离子电池制造；锂离子电池销售") == ["nev.battery"]
    assert labels(rules, scope="锂离子电池销售；汽车零配件零售") == []
    result = rules.classify(scope="锂离子电池销售")["nev.battery"]
    assert result.evidence[0].discount == "trade_only"


def test_repair_and_rental_only_are_discounted(rules: RuleClassifier) -> None:
    assert labels(rules, scope="动力电池维修；动力电池租赁") == []
    found = rules.classify(scope="动力电池维修；动力电池租赁")["nev.battery"]
    assert {e.discount for e in found.evidence} == {"repair_only", "rental_only"}


def test_old_style_clause_with_a_making_verb_counts(rules: RuleClassifier) -> None:
    assert labels(rules, scope="动力电池、电池包的研发、生产、销售") == [
        "nev.battery",
        "nev.battery.pack",
    ]


def test_negation_and_boilerplate(rules: RuleClassifier) -> None:
    assert labels(rules, scope="专用化学产品制造（不含锂离子电池）") == []
    boiler = "一般项目：日用品销售（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）"
    assert rules.classify(scope=boiler) == {}


def test_node_exclusion_vetoes_in_the_same_clause(rules: RuleClassifier) -> None:
    assert labels(rules, scope="电动自行车用锂离子电池制造") == []
    assert (
        rules.classify(scope="电动自行车用锂离子电池制造")["nev.battery"].evidence[0].discount
        == "excluded"
    )


def test_tail_of_a_long_scope_weighs_less(rules: RuleClassifier) -> None:
    filler = "；".join(f"第{i}项服务" for i in range(12))
    assert labels(rules, scope=f"锂离子电池制造；{filler}") == ["nev.battery"]
    assert labels(rules, scope=f"{filler}；锂离子电池制造") == []
    assert position_weight(0) == 1.0 > position_weight(10) >= position_weight(40) == 0.35


def test_longer_phrase_wins_over_the_phrase_inside_it(rules: RuleClassifier) -> None:
    found = rules.classify(scope="锂离子电池正极材料制造")
    assert rules.labels(found) == ["nev.battery_materials"]
    assert "nev.battery" not in found


def test_synonym_alone_is_not_enough_but_supports(rules: RuleClassifier) -> None:
    assert labels(rules, scope="电池制造") == []
    assert labels(rules, scope="电池制造", products="动力电池") == ["nev.battery"]


def test_trade_node_counts_trading(rules: RuleClassifier) -> None:
    assert labels(rules, scope="电动工具品牌运营及销售") == ["pt.channel"]
    assert labels(rules, scope="电动工具品牌销售") == ["pt.channel"]


def test_name_of_a_trading_company_is_discounted(rules: RuleClassifier) -> None:
    found = rules.classify(name="金华市某某乘用车销售有限公司")
    assert found["nev.vehicle"].evidence[0].discount == "trade_only"
    assert labels(rules, name="某某乘用车制造有限公司", scope="乘用车制造") == ["nev.vehicle"]


def test_full_width_and_case_are_normalised(rules: RuleClassifier) -> None:
    assert normalise("ＩＧＢＴ模块") == "IGBT模块"
    assert labels(rules, scope="锂离子电池制造；") == labels(rules, scope="锂离子电池制造;")


def test_clause_discount_words() -> None:
    assert clause_discount("汽车销售") == "trade_only"
    assert clause_discount("汽车零部件研发") is None
    assert clause_discount("机动车修理和维护") == "repair_only"
    assert clause_discount("汽车租赁") == "rental_only"
    assert clause_discount("电动工具品牌销售", counts_trade=True) is None


def test_chain_validation_names_the_problem() -> None:
    broken = dict(MINI, nodes=[dict(MINI["nodes"][0], stage="sideways")])
    with pytest.raises(ChainDefinitionError, match="stage"):
        parse_chain(broken)
    with pytest.raises(ChainDefinitionError, match="edge end"):
        parse_chain(dict(MINI, edges=[{"from": "nev.battery", "to": "nev.nowhere"}]))
    with pytest.raises(ChainDefinitionError, match="required node nev.motor"):
        validate_atlas((parse_chain(MINI),), {"nev": ["nev.motor"]})
    with pytest.raises(ChainDefinitionError, match="another chain"):
        validate_atlas((parse_chain(PT),))  # the cross edge's target chain is missing
    with pytest.raises(ChainDefinitionError, match="shorter than 2"):
        parse_chain(dict(MINI, nodes=[dict(MINI["nodes"][0], terms=["电"])]))


def test_chain_round_trips_through_a_dict() -> None:
    chain = parse_chain(MINI)
    assert parse_chain(chain_to_dict(chain)) == chain


def test_learned_layer_learns_a_misleading_phrase(rules: RuleClassifier) -> None:
    # 乘用车 in these texts is always a seat-cover maker: analysts reject nev.vehicle every time
    bad = [Example(f"甲{i}", "乘用车座套加工", "", frozenset()) for i in range(30)]
    good = [
        Example(f"乙{i}", "新能源汽车整车制造", "", frozenset({"nev.vehicle"})) for i in range(30)
    ]
    model = train(*training_rows(rules, bad + good))
    classifier = Classifier(rules, model)
    assert classifier.classify(scope="乘用车座套加工").labels == ()
    assert classifier.classify(scope="新能源汽车整车制造").labels == ("nev.vehicle",)
    again = LinearModel.from_json(model.to_json())
    assert again.weights == pytest.approx(model.weights, abs=1e-6)
    assert train(*training_rows(rules, bad + good)).version == model.version  # deterministic


def test_partial_decisions_only_teach_the_decided_nodes(rules: RuleClassifier) -> None:
    ex = Example("x", "锂离子电池制造；乘用车制造", "", frozenset({"nev.battery"}), complete=False)
    rows, targets = training_rows(rules, [ex])
    assert targets == [1.0]  # nev.vehicle was neither confirmed nor rejected: not a negative


def test_machines_for_making_a_product_are_not_the_product(rules: RuleClassifier) -> None:
    assert labels(rules, scope="锂离子电池生产设备制造") == []
    found = rules.classify(products="锂离子电池充放电设备")
    assert found["nev.battery"].evidence[0].discount == "application"


def test_what_a_product_is_for_is_not_the_product(rules: RuleClassifier) -> None:
    found = rules.classify(scope="乘用车用锂离子电池制造")
    assert rules.labels(found) == ["nev.battery"]
    assert found["nev.vehicle"].evidence[0].discount == "application"
    # the application supports the battery (same chain) with an explained piece of evidence
    assert any(
        e.kind == "application" and e.phrase == "乘用车" for e in found["nev.battery"].evidence
    )


def test_a_later_stage_before_an_earlier_one_is_a_modifier(rules: RuleClassifier) -> None:
    found = rules.classify(
        products="乘用车锂离子电池"
    )  # vehicle (downstream) + battery (midstream)
    assert rules.labels(found) == ["nev.battery"]
    found = rules.classify(products="正极材料锂离子电池")  # material (upstream) first: both count
    assert rules.labels(found) == ["nev.battery", "nev.battery_materials"]


def test_a_product_line_that_is_a_trade_is_discounted(rules: RuleClassifier) -> None:
    found = rules.classify(products="动力电池零售连锁")
    assert found["nev.battery"].evidence[0].discount == "trade_only"
    assert rules.labels(found) == []


# --- what a vehicle (or another end product) is for is not the product (issue 9: 浙江万里扬) ---


@pytest.fixture(scope="module")
def packaged_rules() -> RuleClassifier:
    from corridor.atlas.chains import packaged_definitions, parse_atlas

    return RuleClassifier(parse_atlas(packaged_definitions()))


@pytest.mark.parametrize(
    ("products", "part_node"),
    [
        ("新能源汽车驱动总成（未来工厂）", "nev.e_drive"),  # 浙江万里扬 in the demo seed
        ("商用车驱动总成", "nev.e_drive"),
        ("电动汽车传动总成", "nev.e_drive"),
        ("新能源汽车用减速器", "nev.e_drive"),
        ("乘用车CVT", "nev.e_drive"),
        ("电动汽车配套线束", "nev.auto_electronics"),
    ],
)
def test_a_vehicle_phrase_naming_what_a_part_is_for_does_not_place_it_on_the_vehicle(
    packaged_rules: RuleClassifier, products: str, part_node: str
) -> None:
    found = packaged_rules.classify(name="浙江某某股份有限公司", products=products)
    vehicle = found.get("nev.vehicle")
    assert vehicle is None or vehicle.raw == 0, [e.as_dict() for e in vehicle.evidence]
    assert all(e.discount == "application" for e in (vehicle.evidence if vehicle else []))
    assert part_node in found and found[part_node].counted, "the part head noun decides"


@pytest.mark.parametrize(
    "products",
    ["新能源汽车零部件", "乘用车配件", "新能源汽车部件", "商用车零配件", "新能源汽车电池组件"],
)
def test_parts_of_a_vehicle_without_a_known_part_are_not_the_vehicle(
    packaged_rules: RuleClassifier, products: str
) -> None:
    found = packaged_rules.classify(products=products)
    assert "nev.vehicle" not in packaged_rules.labels(found)
    vehicle = found.get("nev.vehicle")
    assert vehicle is None or vehicle.raw == 0


@pytest.mark.parametrize(
    ("name", "scope", "products"),
    [
        ("某某汽车有限公司", "新能源汽车整车制造", ""),
        ("某某新能源汽车有限公司", "新能源汽车制造；汽车整车销售", ""),
        ("某某汽车有限公司", "", "纯电动乘用车、新能源物流车"),
        ("某某汽车有限公司", "", "新能源汽车"),
        ("某某客车有限公司", "整车制造；新能源客车生产", ""),
    ],
)
def test_real_vehicle_makers_still_land_on_the_vehicle_node(
    packaged_rules: RuleClassifier, name: str, scope: str, products: str
) -> None:
    found = packaged_rules.classify(name=name, scope=scope, products=products)
    assert "nev.vehicle" in packaged_rules.labels(found)


def test_the_demo_wanliyang_lands_on_the_drive_node_with_the_learned_layer() -> None:
    from corridor.atlas.chains import packaged_classifier

    found = packaged_classifier().classify(
        "浙江万里扬股份有限公司", "", "新能源汽车驱动总成（未来工厂）"
    )
    assert "nev.e_drive" in found.labels and "nev.vehicle" not in found.labels
