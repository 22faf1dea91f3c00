"""RegionMatcher: hand-written addresses, traps, cnloc as oracle, code round-trips, hostile input."""

from __future__ import annotations

import csv
import random

import pytest

from corridor.engine import regions
from corridor.engine.regions import EMPTY, Region, RegionMatcher, _cnloc_data_file

# (address, province code, city code, county code); '' where the level must stay unknown.
CASES = [
    ("浙江省金华市婺城区宾虹西路2666号", "330000", "330700", "330702"),
    ("金华市婺城区乾西乡", "330000", "330700", "330702"),
    ("宁德市蕉城区", "350000", "350900", "350902"),
    ("常州市武进区", "320000", "320400", "320412"),
    ("佛山市南海区", "440000", "440600", "440605"),
    ("浙江金华婺城区八一南街", "330000", "330700", "330702"),
    ("金华婺城宾虹路88号", "330000", "330700", "330702"),
    ("婺城区白龙桥镇", "330000", "330700", "330702"),
    ("永康市经济开发区", "330000", "330700", "330784"),
    ("浙江省永康市江南街道", "330000", "330700", "330784"),
    ("江苏省昆山市千灯镇玉溪西路", "320000", "320500", "320583"),
    ("上海市浦东新区张江路88号", "310000", "310100", "310115"),
    ("上海浦东新区世纪大道100号", "310000", "310100", "310115"),
    ("北京市朝阳区建国路", "110000", "110100", "110105"),
    ("北京市海淀中关村大街", "110000", "110100", "110108"),
    ("天津市滨海新区", "120000", "120100", "120116"),
    ("重庆市云阳县双江街道", "500000", "500200", "500235"),
    ("重庆市渝北区", "500000", "500100", "500112"),
    ("海南省琼海市嘉积镇", "460000", "469000", "469002"),
    ("济源市天坛路", "410000", "419000", "419001"),
    ("新疆石河子市北四路", "650000", "659000", "659001"),
    ("广东省深圳市南山区深南大道", "440000", "440300", "440305"),
    ("东莞市长安镇", "440000", "441900", ""),
    ("广东省中山市火炬开发区", "440000", "442000", ""),
    ("苏州工业园区星湖街328号", "320000", "320500", ""),
    ("南京市鼓楼区中山路", "320000", "320100", "320106"),
    ("徐州市鼓楼区", "320000", "320300", "320302"),
    ("吉林市船营区", "220000", "220200", "220204"),
    ("吉林省长春市朝阳区", "220000", "220100", "220104"),
    ("内蒙古自治区呼和浩特市新城区", "150000", "150100", "150102"),
    ("广西南宁市青秀区", "450000", "450100", "450103"),
    ("四川省成都市武侯区", "510000", "510100", "510107"),
    ("湖北省武汉市东湖新技术开发区", "420000", "420100", ""),
    ("ＺＪ 浙江省　金华市　婺城区", "330000", "330700", "330702"),
    ("浙江省 金华市（婺城区）", "330000", "330700", "330702"),
    ("中国浙江省杭州市西湖区", "330000", "330100", "330106"),
    ("注册地址：浙江省金华市金东区", "330000", "330700", "330703"),
    ("杭州市余杭区五常街道", "330000", "330100", "330110"),
    # Traps: short names that are really streets, nationally ambiguous county names.
    ("金华市中山路123号", "330000", "330700", ""),
    ("吉林路88号", "", "", ""),
    ("广东路100号", "", "", ""),
    ("中山路1号", "", "", ""),
    ("通州区", "", "", ""),
    ("通州区新华大街", "", "", ""),
    ("朝阳区建国路", "", "", ""),
    ("鼓楼区", "", "", ""),
    ("江苏省鼓楼区", "320000", "", ""),
    ("杭州市西湖路", "330000", "330100", ""),
    ("上海市长宁路", "310000", "310100", ""),
    ("上海浦东大道1号", "310000", "310100", ""),
]


@pytest.fixture(scope="module")
def matcher() -> RegionMatcher:
    return RegionMatcher.default()


@pytest.mark.parametrize(("address", "province", "city", "county"), CASES)
def test_hand_written_addresses(
    matcher: RegionMatcher, address: str, province: str, city: str, county: str
) -> None:
    got = matcher.match(address)
    assert (got.province_code, got.city_code, got.county_code) == (province, city, county), got


def test_names_come_with_codes(matcher: RegionMatcher) -> None:
    assert matcher.match("浙江省金华市婺城区宾虹西路2666号") == Region(
        "浙江省", "金华市", "婺城区", "330000", "330700", "330702"
    )
    assert matcher.match("上海市浦东新区").city == "上海市"
    assert matcher.match("海南省琼海市").city == "省直辖县级行政区划"


def _current_rows() -> list[dict[str, str]]:
    """The latest year's rows of cnloc's table, read independently of the matcher."""
    with _cnloc_data_file().open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    latest = max(r["year"] for r in rows)
    return [r for r in rows if r["year"] == latest]


SUFFIXES = [
    "人民路88号",
    "经济开发区创业大道1号",
    "工业园区12幢",
    "中山路1号",
    "建设路66号3楼",
    "科技园A座501室",
]


def _oracle_addresses(rows: list[dict[str, str]], rng: random.Random) -> list[str]:
    """Addresses over the current divisions in the shapes registrations use."""
    counties = rng.sample([r for r in rows if r["rank"] == "3"], 300)
    cities = rng.sample([r for r in rows if r["rank"] == "2"], 80)
    out = []
    for row in counties:
        suffix = rng.choice(SUFFIXES)
        # cnloc's placeholder city names (市辖区, 县, 直辖县) never appear in real addresses.
        city = "" if row["city_name"] in {"市辖区", "县", "直辖县"} else row["city_name"]
        shape = rng.randrange(4)
        if shape == 0:
            out.append(f"{row['province_name']}{city}{row['county_name']}{suffix}")
        elif shape == 1:
            out.append(f"{city or row['province_name']}{row['county_name']}{suffix}")
        elif shape == 2:
            out.append(f"{row['county_name']}{suffix}")
        else:
            out.append(
                f"{row['province_short']}{row['city_short'] if city else ''}{row['county_name']}{suffix}"
            )
    for row in cities:
        out.append(f"{row['province_name']}{row['city_name']}{rng.choice(SUFFIXES)}")
    return out


def test_agrees_with_cnloc(matcher: RegionMatcher) -> None:
    cnloc = pytest.importorskip("cnloc")
    addresses = _oracle_addresses(_current_rows(), random.Random(2260))
    frame = cnloc.getlocation(addresses).fillna("")
    disagreements = []
    for address, row in zip(addresses, frame.itertuples(index=False), strict=True):
        ours = matcher.match(address)
        theirs = (row.province_adcode, row.city_adcode, row.county_adcode)
        if (ours.province_code, ours.city_code, ours.county_code) != theirs:
            disagreements.append(f"{address}: ours {ours.code or '-'} cnloc {'/'.join(theirs)}")
    agreement = 1 - len(disagreements) / len(addresses)
    assert len(addresses) >= 300
    assert agreement >= 0.99, f"{agreement:.2%} agreement:\n" + "\n".join(disagreements)


def test_by_code_round_trips(matcher: RegionMatcher) -> None:
    rows = _current_rows()
    for row in rows:
        code = {"1": row["province_adcode"], "2": row["city_adcode"], "3": row["county_adcode"]}[
            row["rank"]
        ]
        region = matcher.by_code(code)
        assert region is not None, code
        assert region.code == code
        assert region.province_code == row["province_adcode"]
    assert matcher.by_code("330702") == matcher.match("浙江省金华市婺城区")
    assert matcher.by_code("310100") == Region("上海市", "上海市", "", "310000", "310100", "")
    assert matcher.by_code("460000") == Region("海南省", province_code="460000")
    assert matcher.by_code("999999") is None
    assert matcher.by_code("") is None


def test_cities_and_counties_cover_the_table(matcher: RegionMatcher) -> None:
    rows = _current_rows()
    cities = matcher.cities()
    assert {c.city_code for c in cities} >= {r["city_adcode"] for r in rows if r["rank"] == "2"}
    assert all(c.city_code and not c.county_code for c in cities)
    listed = [county for city in cities for county in matcher.counties_of(city.city_code)]
    assert sorted(c.county_code for c in listed) == sorted(
        r["county_adcode"] for r in rows if r["rank"] == "3"
    )
    for county in listed:
        assert matcher.by_code(county.county_code) == county
    jinhua = [c.county for c in matcher.counties_of("330700")]
    assert "婺城区" in jinhua and "永康市" in jinhua
    assert matcher.counties_of("000000") == []


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "\u3000",
        "123456",
        "abc",
        "？？？",
        "路路路",
        "\x00\x01",
        "\ud800",
        "号" * 100_000,
        "省市区县",
    ],
)
def test_garbage_gives_empty_region(matcher: RegionMatcher, address: str) -> None:
    assert matcher.match(address) == EMPTY


@pytest.mark.parametrize("value", [None, 42, b"\xe6\xb5\x99\xe6\xb1\x9f", ["浙江省"]])
def test_non_strings_give_empty_region(matcher: RegionMatcher, value: object) -> None:
    assert matcher.match(value) == EMPTY  # type: ignore[arg-type]


def test_long_hostile_input_stays_cheap(matcher: RegionMatcher) -> None:
    assert matcher.match("浙江省" + "金华市" * 200_000).city_code == "330700"


def test_data_version_names_package_and_year() -> None:
    assert regions.data_version.startswith("cnloc 0.1.7, divisions as of ")
    assert RegionMatcher.default() is RegionMatcher.default()


def test_region_label_drops_a_level_that_repeats_its_parent() -> None:
    from corridor.engine.regions import region_label

    # cities without counties (东莞, 中山, 儋州, 嘉峪关) and municipalities name a level twice
    assert region_label("广东省", "东莞市", "东莞市") == "广东省东莞市"
    assert region_label("北京市", "北京市", "朝阳区") == "北京市朝阳区"
    assert region_label("甘肃省", "嘉峪关市", "嘉峪关市", sep=" ") == "甘肃省 嘉峪关市"
    assert region_label("浙江省", "金华市", "婺城区") == "浙江省金华市婺城区"
    assert region_label("", "", "") == ""
