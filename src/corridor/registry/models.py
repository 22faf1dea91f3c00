"""The enterprise registry: enterprises, their yearly facts, IP, titles, R&D platforms and imports.

Money is stored in 万元 (ten thousand yuan) everywhere, as exact decimals.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from corridor.core.models import SoftDeletable
from corridor.engine.regions import region_label

MONEY: dict[str, Any] = {"max_digits": 20, "decimal_places": 4, "null": True, "blank": True}


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", _("Operating")
    CANCELLED = "cancelled", _("Cancelled")
    MOVED_OUT = "moved_out", _("Moved out")


class SizeBand(models.TextChoices):
    """Industrial size bands of 统计上大中小微型企业划分办法 (2017): employees and revenue."""

    LARGE = "large", _("Large")
    MEDIUM = "medium", _("Medium")
    SMALL = "small", _("Small")
    MICRO = "micro", _("Micro")
    UNKNOWN = "unknown", _("Unknown")


class Enterprise(SoftDeletable):
    """A legal entity in the registry, local to the district or elsewhere in China."""

    name = models.CharField(_("name"), max_length=200, db_index=True)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    uscc_checksum_confirmed = models.BooleanField(
        _("checksum failure confirmed"),
        default=False,
        help_text=_("The code fails the GB 32100 checksum and a user confirmed it as written."),
    )
    legal_form = models.CharField(_("legal form"), max_length=60, blank=True)
    established_on = models.DateField(_("established"), null=True, blank=True)
    registered_capital = models.DecimalField(_("registered capital (10k yuan)"), **MONEY)
    address = models.CharField(_("registered address"), max_length=300, blank=True)
    province = models.CharField(_("province"), max_length=32, blank=True)
    city = models.CharField(_("city"), max_length=32, blank=True)
    county = models.CharField(_("county"), max_length=32, blank=True)
    province_code = models.CharField(_("province code"), max_length=6, blank=True)
    city_code = models.CharField(_("city code"), max_length=6, blank=True, db_index=True)
    county_code = models.CharField(_("county code"), max_length=6, blank=True, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    industry_code = models.CharField(
        _("industry code (GB/T 4754)"), max_length=5, blank=True, db_index=True
    )
    business_scope = models.TextField(_("business scope"), blank=True)
    main_products = models.TextField(_("main products"), blank=True)
    is_local = models.BooleanField(
        _("local"), default=False
    )  # indexed with revenue and county below
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("park / zone"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=EnterpriseStatus.choices,
        default=EnterpriseStatus.OPERATING,
    )
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    # Latest yearly facts, copied here so 300,000-row lists sort and filter without a join.
    latest_year = models.PositiveSmallIntegerField(_("latest year"), null=True, blank=True)
    latest_revenue = models.DecimalField(_("latest revenue (10k yuan)"), **MONEY)
    latest_employees = models.PositiveIntegerField(_("latest employees"), null=True, blank=True)
    size_band = models.CharField(
        _("size band"), max_length=8, choices=SizeBand.choices, default=SizeBand.UNKNOWN
    )
    # Not indexed: only a revert looks rows up by it, and a scan then is cheaper than the index on every insert.
    created_by_import = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        permissions = [
            ("export_enterprises", _("Can export enterprise lists")),
            ("import_enterprises", _("Can import enterprise data")),
            ("revert_import", _("Can revert an import")),
            ("restore_enterprise", _("Can restore a deleted enterprise")),
            ("merge_enterprise", _("Can merge enterprises")),
        ]
        indexes = [
            models.Index(fields=["is_local", "latest_revenue"], name="ent_local_revenue_idx"),
            models.Index(fields=["is_local", "county_code"], name="ent_local_county_idx"),
            # The list's default sort (revenue, largest first, unknown last, then id) and the name
            # sort, walked in order over live rows without touching the table: deep pages stay
            # cheap. deleted_at last, so a filter on deleted_at alone never picks these indexes.
            # (On PostgreSQL migration 0004 adds the DESC NULLS LAST form the sort needs there.)
            models.Index(
                fields=["-latest_revenue", "id", "deleted_at"], name="ent_live_revenue_idx"
            ),
            models.Index(fields=["name", "id", "deleted_at"], name="ent_live_name_idx"),
            # The district's own enterprises (3,000 of 303,000): Django writes is_local=True as a
            # bare `WHERE "is_local"`, which no index on is_local serves; a partial index does.
            models.Index(
                fields=["deleted_at", "-latest_revenue", "id"],
                condition=Q(is_local=True),
                name="ent_local_live_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def region_label(self) -> str:
        """'广东省 东莞市', '浙江省 金华市 婺城区': each level once (see engine.regions.region_label)."""
        return region_label(self.province, self.city, self.county, sep=" ")

    @property
    def city_label(self) -> str:
        """Province and city, each once ('北京市', not '北京市北京市')."""
        return region_label(self.province, self.city, sep=" ")


class EnterpriseTag(models.Model):
    """A free tag on an enterprise (one row per tag)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(_("tag"), max_length=40)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "tag"], name="tag_unique_per_enterprise")
        ]
        indexes = [models.Index(fields=["tag"], name="tag_idx")]

    def __str__(self) -> str:
        return self.tag


class EnterpriseYearFacts(models.Model):
    """One enterprise's figures for one year, each row with its source and as-of date."""

    # The unique (enterprise, year) index serves lookups by enterprise; a second index would only slow inserts.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="year_facts", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = models.DecimalField(_("revenue"), **MONEY)
    main_business_revenue = models.DecimalField(_("main-business revenue"), **MONEY)
    total_costs = models.DecimalField(_("total costs"), **MONEY)
    rd_expense = models.DecimalField(_("R&D expense"), **MONEY)
    rd_expense_domestic = models.DecimalField(_("R&D expense in China"), **MONEY)
    total_assets = models.DecimalField(_("total assets"), **MONEY)
    total_liabilities = models.DecimalField(_("liabilities"), **MONEY)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    rd_staff = models.PositiveIntegerField(_("R&D / technology staff"), null=True, blank=True)
    high_tech_income = models.DecimalField(_("high-tech product income"), **MONEY)
    exports = models.DecimalField(_("exports"), **MONEY)
    tax_paid = models.DecimalField(_("tax paid"), **MONEY)
    new_equity_financing = models.DecimalField(_("new equity financing"), **MONEY)
    source = models.CharField(_("source"), max_length=120, blank=True)
    as_of = models.DateField(_("as of"), null=True, blank=True)
    created_by_import = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("yearly facts")
        verbose_name_plural = _("yearly facts")
        ordering = ["enterprise_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="facts_one_row_per_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1949, year__lte=2100), name="facts_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class IPKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("Invention patent")
    PLANT_VARIETY = "plant_variety", _("New plant variety")
    NEW_DRUG = "new_drug", _("National new drug")
    IC_LAYOUT = "ic_layout", _("IC layout design")
    UTILITY_MODEL = "utility_model", _("Utility model")
    DESIGN = "design", _("Design patent")
    SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")


CLASS_I_KINDS = {IPKind.INVENTION_PATENT, IPKind.PLANT_VARIETY, IPKind.NEW_DRUG, IPKind.IC_LAYOUT}


class IPHolding(models.Model):
    """How many IP items of one kind an enterprise held in a year (Class I or II by kind)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="ip_holdings")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=24, choices=IPKind.choices)
    count = models.PositiveIntegerField(_("count"))

    class Meta:
        verbose_name = _("IP holding")
        verbose_name_plural = _("IP holdings")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "kind"], name="ip_one_row_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} × {self.count}"

    @property
    def ip_class(self) -> str:
        return "I" if self.kind in CLASS_I_KINDS else "II"


class TitleKind(models.TextChoices):
    HIGH_TECH = "high_tech", _("High-tech enterprise")
    TECH_SME = "tech_sme", _("Technology-based SME")
    INNOVATIVE_SME = "innovative_sme", _("Innovative SME")
    SPECIALISED_SME = "specialised_sme", _("Specialised SME")
    LITTLE_GIANT = "little_giant", _("Little giant")
    ABOVE_SCALE = "above_scale", _("Above designated size")
    OTHER = "other", _("Other")


class TitleLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    PROVINCIAL = "provincial", _("Provincial")
    CITY = "city", _("City")


class TitleHeldQuerySet(models.QuerySet["TitleHeld"]):
    def in_force(self, on: dt.date) -> TitleHeldQuerySet:
        """Titles in force on a day: issued on or before it (or undated), expiring on or after it
        (or never); the one statement of the rule, mirrored row by row by `TitleHeld.is_valid_on`."""
        return self.filter(Q(issued_on__isnull=True) | Q(issued_on__lte=on)).filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=on)
        )


class TitleHeld(models.Model):
    """A title an enterprise holds, with issue and expiry dates."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="titles")
    title = models.CharField(
        pgettext_lazy("honour", "title"), max_length=24, choices=TitleKind.choices
    )
    level = models.CharField(
        _("level"), max_length=12, choices=TitleLevel.choices, default=TitleLevel.NATIONAL
    )
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    certificate_no = models.CharField(_("certificate number"), max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = TitleHeldQuerySet.as_manager()

    class Meta:
        verbose_name = _("title held")
        verbose_name_plural = _("titles held")
        indexes = [models.Index(fields=["title", "expires_on"], name="title_expiry_idx")]

    def __str__(self) -> str:
        return f"{self.title} ({self.level})"

    def is_valid_on(self, day: dt.date) -> bool:
        """Whether the title is in force on a day (`TitleHeldQuerySet.in_force` for one loaded row)."""
        return (self.issued_on is None or self.issued_on <= day) and (
            self.expires_on is None or day <= self.expires_on
        )


class PlatformLevel(models.TextChoices):
    CITY = "city", _("City")
    PROVINCIAL = "provincial", _("Provincial")
    NATIONAL = "national", _("National")


class PlatformKind(models.TextChoices):
    RD_CENTRE = "rd_centre", _("R&D centre")
    ENTERPRISE_INSTITUTE = "enterprise_institute", _("Enterprise research institute")
    KEY_INSTITUTE = "key_institute", _("Key enterprise research institute")
    INNOVATION_CENTRE = "innovation_centre", _("Technology innovation centre")
    NEW_RD_INSTITUTION = "new_rd_institution", _("New-type R&D institution")


class RDPlatform(models.Model):
    """An R&D platform an enterprise has been recognised for."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="rd_platforms"
    )
    kind = models.CharField(_("kind"), max_length=24, choices=PlatformKind.choices)
    level = models.CharField(_("level"), max_length=12, choices=PlatformLevel.choices)
    year = models.PositiveSmallIntegerField(_("year recognised"))
    name = models.CharField(_("name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("R&D platform")
        verbose_name_plural = _("R&D platforms")

    def __str__(self) -> str:
        return f"{self.level} {self.kind} {self.year}"
