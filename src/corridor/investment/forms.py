"""Forms of investment attraction."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corridor.atlas import selectors as atlas_selectors
from corridor.core.forms import IsoDateInput, StoredNewlines
from corridor.investment.models import ActivityKind, DocumentKind, LostReason, Project, Stage, Team
from corridor.investment.services import EDITABLE, REFERRAL
from corridor.investment.stages import channels

DATE = IsoDateInput()


class NodeSelect(forms.Select):
    """The node picker: options grouped by chain, each carrying its chain (data-chain), so the
    page narrows the list to the chosen chain."""

    def __init__(self, chain_of: dict[str, str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.chain_of = chain_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):  # type: ignore[no-untyped-def]
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        chain = self.chain_of.get(str(value))
        if chain:
            option["attrs"] = {"data-chain": chain, **option["attrs"]}
        return option


def _chain_and_node_fields(english: bool, current: str = "") -> tuple[forms.Field, forms.Field]:
    """A chain select and a node select, by name (never by key or id)."""
    chains = list(atlas_selectors.chains())
    nodes = list(atlas_selectors.node_index().values())
    name = (lambda x: x.name_en) if english else (lambda x: x.name_zh)  # noqa: E731
    groups: list[tuple[str, list[tuple[str, str]]]] = [
        (name(c), [(n.id, name(n)) for n in nodes if n.chain == c.key]) for c in chains
    ]
    known = {n.id for n in nodes}
    if current and current not in known:  # a node the atlas no longer has stays as it was
        groups.append((str(_("other")), [(current, current)]))
    chain = forms.ChoiceField(
        label=_("chain"), required=False, choices=[("", "—")] + [(c.key, name(c)) for c in chains]
    )
    chain.widget.attrs["data-chain-picker"] = "1"
    node = forms.ChoiceField(
        label=_("node"),
        required=False,
        choices=[("", "—"), *groups],
        widget=NodeSelect({n.id: n.chain for n in nodes}, attrs={"data-node-picker": "1"}),
    )
    return chain, node


class ProjectForm(StoredNewlines, forms.ModelForm):
    class Meta:
        model = Project
        fields = list(EDITABLE)  # the fields the service accepts, in its order
        widgets = {
            k: DATE
            for k in (
                "next_follow_up",
                "first_visit_on",
                "signed_on",
                "registered_on",
                "construction_on",
                "production_on",
                "full_output_on",
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        english = (get_language() or "").startswith("en")
        self.fields["source_channel"] = forms.ChoiceField(
            label=_("source channel"),
            required=False,
            choices=[("", "—")] + [(k, en if english else zh) for k, zh, en in channels()],
        )
        # the model form builds "team" as a ModelChoiceField; the stubs only know it as Field
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = Team.objects.all()
        current = self.instance.node if self.instance and self.instance.pk else ""
        self.fields["chain"], self.fields["node"] = _chain_and_node_fields(english, current)
        self.fields["referred_by"].help_text = _("who passed the project on, for a referral")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        node_id, chain = data.get("node") or "", data.get("chain") or ""
        node = atlas_selectors.node_index().get(node_id)
        if node is not None and not chain:
            data["chain"] = node.chain
        elif node is not None and node.chain != chain:
            english = (get_language() or "").startswith("en")
            self.add_error(
                "node",
                _("The node %(node)s does not belong to the chosen chain.")
                % {"node": node.name_en if english else node.name_zh},
            )
        if data.get("source_channel") == REFERRAL and not (data.get("referred_by") or "").strip():
            self.add_error(
                "referred_by", _("Say who referred the project (a person or an office).")
            )
        return data


class NewProjectForm(ProjectForm):
    """A project opened by hand: the enterprise picked from the registry, or a company the
    registry does not know yet (name and place)."""

    target = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    new_name = forms.CharField(label=_("company name"), max_length=200, required=False)
    new_province = forms.CharField(label=_("province"), max_length=32, required=False)
    new_city = forms.CharField(label=_("city"), max_length=32, required=False)

    COMPANY_FIELDS = ("target", "new_name", "new_province", "new_city")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False  # named after the enterprise when left empty

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("target") and not (data.get("new_name") or "").strip():
            self.add_error(
                None,
                _(
                    "Pick the enterprise from the registry, or give the name of a company not in it."
                ),
            )
        return data

    def project_fields(self) -> list[Any]:
        """The bound fields of the project itself (the company fields are laid out apart)."""
        return [f for f in self if f.name not in self.COMPANY_FIELDS]


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(queryset=Stage.objects.all(), to_field_name="key")
    note = forms.CharField(max_length=300, required=False)
    lost_reason = forms.ModelChoiceField(
        queryset=LostReason.objects.all(), to_field_name="key", required=False
    )


class ActivityForm(StoredNewlines, forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=ActivityKind.choices)
    summary = forms.CharField(
        label=_("what happened"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("document title"), max_length=200, required=False)
    file = forms.FileField(label=_("file"))
