"""Policy versions (YAML as stored data), assessments an officer enters, and stored evaluations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corridor.registry.models import Enterprise


class PolicyOrigin(models.TextChoices):
    SHIPPED = "shipped", _("Shipped with the software")
    UPLOADED = "uploaded", _("Uploaded by an administrator")


class PolicyVersion(models.Model):
    """One version of one policy, its YAML exactly as loaded; never edited once stored."""

    policy_id = models.CharField(_("policy"), max_length=48)
    version = models.CharField(_("version"), max_length=16)
    yaml_text = models.TextField(_("YAML"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    origin = models.CharField(
        _("origin"), max_length=12, choices=PolicyOrigin.choices, default=PolicyOrigin.SHIPPED
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("policy version")
        verbose_name_plural = _("policy versions")
        ordering = ["policy_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["policy_id", "version"], name="qualify_policy_version")
        ]
        permissions = [
            ("view_qualification", _("Can view qualifications and cultivation lists")),
            ("assess_enterprise", _("Can enter assessments and run what-if")),
            ("manage_policies", _("Can upload policy versions and run the batch")),
            ("export_cultivation", _("Can export cultivation lists")),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}@{self.version}"

    @property
    def key(self) -> str:
        return f"{self.policy_id}@{self.version}"


class Assessment(models.Model):
    """An input the registry cannot hold (expert score, supported field, dishonesty list…), dated and
    attributed. History is kept: the latest row per (enterprise, key) counts."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="qualification_assessments"
    )
    key = models.CharField(_("assessment"), max_length=48)
    value = models.JSONField(_("value"))
    source = models.CharField(_("source"), max_length=200)
    as_of = models.DateField(_("as of"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(fields=["enterprise", "key", "-as_of", "-id"], name="qualify_assess_idx")
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.key}={self.value}"


class Verdict(models.TextChoices):
    QUALIFIED = "qualified", _("Qualified")
    NEAR = "near", _("Near")
    NOT_QUALIFIED = "not_qualified", _("Not qualified")
    NEEDS_DATA = "needs_data", _("Needs data")


class Evaluation(models.Model):
    """One enterprise under one policy version on a day. Rows are only added: a new policy version or
    changed inputs add a row and the previous one stops being current (its result is kept)."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="qualification_evaluations"
    )
    policy_id = models.CharField(_("policy"), max_length=48)
    version = models.CharField(_("version"), max_length=16)
    as_of = models.DateField(_("as of"))
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    score = models.FloatField(_("score"), null=True, blank=True)
    # the engine's criterion rows (command.criterion_json, English labels) for qualified and near
    # results; [] for the others, whose explanation the enterprise page computes when opened
    criteria = models.JSONField(_("criteria"), default=list)
    path = models.JSONField(_("cheapest path"), default=list)
    gap_count = models.PositiveSmallIntegerField(_("criteria to close"), default=0)
    gap_progress = models.FloatField(_("progress towards the threshold"), null=True, blank=True)
    to_confirm = models.BooleanField(_("to be confirmed"), default=False)
    inputs_hash = models.CharField(_("inputs hash"), max_length=40)
    is_current = models.BooleanField(_("current"), default=True)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            models.Index(
                fields=["policy_id", "version", "verdict", "is_current"], name="qualify_eval_list"
            ),
            models.Index(fields=["enterprise", "is_current"], name="qualify_eval_ent"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.policy_id}@{self.version}: {self.verdict}"


class CultivationSnapshot(models.Model):
    """A day's size of each cultivation list of a policy version (its history as a chart): written
    after every run over the whole registry; a second run on a day replaces that day's figures."""

    policy_id = models.CharField(_("policy"), max_length=48)
    version = models.CharField(_("version"), max_length=16)
    day = models.DateField(_("day"))
    qualified_not_titled = models.PositiveIntegerField(_("qualified, not titled"))
    near = models.PositiveIntegerField(_("near"))
    titled = models.PositiveIntegerField(_("titled"))

    class Meta:
        verbose_name = _("cultivation snapshot")
        verbose_name_plural = _("cultivation snapshots")
        constraints = [
            models.UniqueConstraint(
                fields=["policy_id", "version", "day"], name="qualify_snapshot_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.policy_id}@{self.version} {self.day}"
