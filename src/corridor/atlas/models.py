"""Chains (versioned definitions), their owners and anchors, and enterprise → node links."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from corridor.registry.models import Enterprise


class Chain(models.Model):
    """An industry chain; its graph lives in its versions, the newest being current."""

    key = models.CharField(_("key"), max_length=8, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    leader_name = models.CharField(_("chain chief"), max_length=60, blank=True)
    leader_title = models.CharField(_("chain chief's office"), max_length=120, blank=True)
    anchors = models.ManyToManyField(
        Enterprise,
        verbose_name=_("anchor enterprises"),
        related_name="anchored_chains",
        blank=True,
    )
    current_version = models.PositiveIntegerField(_("current version"), default=1)

    class Meta:
        verbose_name = _("industry chain")
        verbose_name_plural = _("industry chains")
        ordering = ["position", "key"]
        permissions = [
            ("edit_chain_graph", _("Can edit chain graphs and vocabularies")),
            ("review_links", _("Can review enterprise classifications")),
            ("run_classification", _("Can run the classifier over the registry")),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.name_zh}"


class ChainVersion(models.Model):
    """One immutable version of a chain's definition (nodes, vocabularies, edges)."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("packaged file")
        EDIT = "edit", _("edited in the application")

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("chain version")
        verbose_name_plural = _("chain versions")
        ordering = ["chain", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["chain", "number"], name="chain_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.chain.key}@{self.number}"


class LinkStatus(models.TextChoices):
    AUTO = "auto", _("automatic")
    CONFIRMED = "confirmed", _("confirmed")
    UNCERTAIN = "uncertain", _("uncertain")
    REJECTED = "rejected", _("rejected")


DECIDED = (LinkStatus.CONFIRMED, LinkStatus.UNCERTAIN, LinkStatus.REJECTED)


class NodeLink(models.Model):
    """An enterprise on a chain node: confidence, evidence, the classifier version, the decision."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="node_links")
    node = models.CharField(_("node"), max_length=80)
    chain = models.CharField(_("chain"), max_length=8)
    confidence = models.FloatField(_("confidence"))
    rule_confidence = models.FloatField(_("rule confidence"))
    evidence = models.JSONField(_("evidence"), default=list)
    classifier_version = models.CharField(_("classifier version"), max_length=160)
    status = models.CharField(
        _("status"), max_length=10, choices=LinkStatus.choices, default=LinkStatus.AUTO
    )
    # Whether the enterprise counts on this node: confirmed, or automatic at/above the threshold.
    effective = models.BooleanField(_("counts on the node"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("enterprise–node link")
        verbose_name_plural = _("enterprise–node links")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "node"], name="node_link_unique"),
        ]
        indexes = [
            models.Index(fields=["node", "effective"], name="node_link_node_idx"),
            models.Index(fields=["status", "confidence"], name="node_link_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} → {self.node} ({self.status})"


class ClassificationRun(models.Model):
    """One run of the classifier over the registry, or over enterprises just created or changed."""

    class Scope(models.TextChoices):
        REGISTRY = "registry", _("whole registry")
        ENTERPRISES = "enterprises", _("changed enterprises")

    scope = models.CharField(
        _("scope"), max_length=12, choices=Scope.choices, default=Scope.REGISTRY
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    classifier_version = models.CharField(_("classifier version"), max_length=160)
    enterprises = models.PositiveIntegerField(_("enterprises"), default=0)
    links = models.PositiveIntegerField(_("links written"), default=0)
    labelled = models.PositiveIntegerField(_("enterprises on a node"), default=0)
    kept_decisions = models.PositiveIntegerField(_("analyst decisions kept"), default=0)
    status = models.CharField(_("status"), max_length=12, default="running")
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("classification run")
        verbose_name_plural = _("classification runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.classifier_version}"


class LearnedModel(models.Model):
    """A statistical layer trained on the labelled set plus analysts' decisions."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    weights = models.TextField(_("weights (JSON)"))
    trained_on = models.PositiveIntegerField(_("training rows"))
    decisions = models.PositiveIntegerField(_("analyst decisions used"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("learned model")
        verbose_name_plural = _("learned models")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.version
