"""Investment attraction: teams, configurable stages, projects with their stage log, activities and
documents, saved strategies and target lists, yearly goals."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corridor.core.models import SoftDeletable
from corridor.registry.models import Enterprise

MONEY: dict[str, Any] = {"max_digits": 16, "decimal_places": 2, "null": True, "blank": True}


class Team(models.Model):
    """An investment-promotion team; teams nest (a bureau, its divisions)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="investment_teams", blank=True
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    OPEN = "open", _("open")
    ON_HOLD = "on_hold", _("on hold")
    WON = "won", _("won")
    LOST = "lost", _("lost")


class Stage(models.Model):
    """A pipeline stage, loaded from investment/data/stages.yaml (editable by administrators)."""

    key = models.CharField(_("key"), max_length=20, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=20)
    name_en = models.CharField(_("English name"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=8, choices=StageKind.choices)
    probability = models.DecimalField(_("probability"), max_digits=4, decimal_places=2)
    requires = models.JSONField(_("entry requirements"), default=list, blank=True)

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name_zh

    def name(self, language: str) -> str:
        """The name in the given language."""
        return self.name_en if language.startswith("en") else self.name_zh

    @property
    def is_open(self) -> bool:
        """Whether a project in this stage is still being worked (not lost)."""
        return self.kind != StageKind.LOST


class LostReason(models.Model):
    key = models.CharField(_("key"), max_length=24, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=60)

    class Meta:
        verbose_name = _("lost reason")
        verbose_name_plural = _("lost reasons")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name_zh


class Project(SoftDeletable):
    """One investment project, from the first lead to full output."""

    name = models.CharField(_("project name"), max_length=200)
    target = models.ForeignKey(
        Enterprise,
        verbose_name=_("target enterprise"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    chain = models.CharField(_("chain"), max_length=8, blank=True)
    node = models.CharField(_("node"), max_length=80, blank=True)
    investment_amount = models.DecimalField(_("investment (10k yuan)"), **MONEY)
    expected_output = models.DecimalField(_("expected annual output (10k yuan)"), **MONEY)
    expected_tax = models.DecimalField(_("expected annual tax (10k yuan)"), **MONEY)
    expected_jobs = models.PositiveIntegerField(_("expected jobs"), null=True, blank=True)
    land_mu = models.DecimalField(
        _("land demand (mu)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    floor_space_m2 = models.PositiveIntegerField(
        _("floor space demand (m²)"), null=True, blank=True
    )
    source_channel = models.CharField(_("source channel"), max_length=24, blank=True)
    # who passed the project on, when it came as a referral (a person or an office, in words)
    referred_by = models.CharField(_("referred by"), max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL
    )
    helpers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team members"),
        related_name="helped_projects",
        blank=True,
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_follow_up = models.DateField(_("next follow-up"), null=True, blank=True)
    first_visit_on = models.DateField(_("first visit"), null=True, blank=True)
    signed_on = models.DateField(_("signed"), null=True, blank=True)
    registered_on = models.DateField(_("registered"), null=True, blank=True)
    construction_on = models.DateField(_("construction started"), null=True, blank=True)
    production_on = models.DateField(_("production started"), null=True, blank=True)
    # 达产 has its own evidence: the day the project reached its designed output
    full_output_on = models.DateField(_("full output reached"), null=True, blank=True)
    landed_uscc = models.CharField(_("USCC of the landed entity"), max_length=18, blank=True)
    landed_enterprise = models.ForeignKey(
        Enterprise, null=True, blank=True, on_delete=models.SET_NULL, related_name="landed_projects"
    )
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT)
    stage_entered_at = models.DateTimeField(_("in stage since"), default=timezone.now)
    # True while the project is not lost: one open project per target enterprise
    is_open = models.BooleanField(default=True)
    hold_reason = models.CharField(_("reason on hold"), max_length=200, blank=True)
    lost_reason = models.ForeignKey(LostReason, null=True, blank=True, on_delete=models.PROTECT)
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    # The import that opened the project (a revert soft-deletes what it created).
    created_by_import = models.ForeignKey(
        "imports.ImportBatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(SoftDeletable.Meta):
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["target"],
                condition=Q(is_open=True, deleted_at__isnull=True),
                name="one_open_project_per_target",
            )
        ]
        permissions = [
            ("view_all_projects", _("Can see every team's projects")),
            ("manage_pipeline", _("Can create and move investment projects")),
            (
                "view_pipeline_summary",
                _("Can see the pipeline funnel and the signed and landed projects (read-only)"),
            ),
            ("rank_targets", _("Can rank target enterprises")),
        ]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """A project moved from one stage to another: who, when, why."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.from_stage_id} → {self.to_stage_id}"


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("visit")
    CALL = "call", _("call")
    MEETING = "meeting", _("meeting")
    NOTE = "note", _("note")


class Activity(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=8, choices=ActivityKind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"


class DocumentKind(models.TextChoices):
    SIGNED_AGREEMENT = "signed_agreement", _("signed agreement")
    REGISTRATION = "registration_certificate", _("registration certificate")
    LAND_CONTRACT = "land_contract", _("land contract")
    CONSTRUCTION_PERMIT = "construction_permit", _("construction permit")
    PRODUCTION_LICENCE = "production_licence", _("production licence")
    OTHER = "other", _("other")


class Document(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to="projects/%Y/%m/")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return self.title


class Strategy(models.Model):
    """A named set of target-ranking weights an analyst saved."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    weights = models.JSONField(_("weights"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("targeting strategy")
        verbose_name_plural = _("targeting strategies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TargetList(models.Model):
    """A saved ranking: which nodes, which strategy, when; its entries keep the score breakdown."""

    name = models.CharField(_("name"), max_length=120)
    nodes = models.JSONField(_("nodes"))
    strategy_name = models.CharField(_("strategy"), max_length=60)
    weights = models.JSONField(_("weights"))
    classifier_version = models.CharField(_("classifier version"), max_length=160, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("target list")
        verbose_name_plural = _("target lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class TargetEntry(models.Model):
    target_list = models.ForeignKey(TargetList, on_delete=models.CASCADE, related_name="entries")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="+")
    node = models.CharField(_("node"), max_length=80)
    rank = models.PositiveIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    parts = models.JSONField(_("score parts"))

    class Meta:
        ordering = ["target_list", "node", "rank"]

    def __str__(self) -> str:
        return f"{self.target_list_id} #{self.rank}"


class YearGoal(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    signed_amount = models.DecimalField(
        _("signed investment goal (10k yuan)"), max_digits=16, decimal_places=2
    )
    landed_amount = models.DecimalField(
        _("landed investment goal (10k yuan)"), max_digits=16, decimal_places=2
    )

    class Meta:
        verbose_name = _("yearly goal")
        verbose_name_plural = _("yearly goals")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)
