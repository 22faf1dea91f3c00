"""factory_boy factories for registry and accounts records."""

from __future__ import annotations

import factory
from django.contrib.auth.models import User

from corridor.accounts.services import create_user
from corridor.engine.gaps import NodeFacts
from corridor.engine.uscc import make_uscc
from corridor.investment.models import Stage
from corridor.registry.models import Enterprise, EnterpriseYearFacts, TitleHeld


def valid_uscc(n: int) -> str:
    """A valid USCC whose organisation code is built from n."""
    return make_uscc("9", "1", "330702", f"{n:08d}")


def user_with_role(role: str, username: str | None = None, password: str = "pw-Corridor-1") -> User:
    """A user holding one role."""
    return create_user(username or f"{role}-user", password, role)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n:05d}有限公司")
    uscc = factory.Sequence(lambda n: valid_uscc(n + 1))
    province, city, county = "浙江省", "金华市", "婺城区"
    province_code, city_code, county_code = "330000", "330700", "330702"
    is_local = True


class FactsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseYearFacts

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2024
    revenue = 1000
    employees = 50


class TitleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TitleHeld

    enterprise = factory.SubFactory(EnterpriseFactory)
    title = "high_tech"


def node_facts(node: str, **given: object) -> NodeFacts:
    """One node's facts for the weak-link engine: an empty node unless the test says otherwise."""
    base: dict[str, object] = {
        "node": node,
        "enterprises": 0,
        "revenue": 0.0,
        "employees": 0,
        "titled": 0,
        "leaders": 0,
        "lq": None,
    }
    return NodeFacts(**{**base, **given})  # type: ignore[arg-type]


def stage(key: str) -> Stage:
    """A pipeline stage by its key (the stages are data, loaded by migration)."""
    return Stage.objects.get(key=key)
