"""Forms of the atlas: decisions, node editing, edges, chain owners."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from corridor.atlas.models import DECIDED
from corridor.core.forms import StoredNewlines
from corridor.engine.chains import NODE_ID, Chain, Node
from corridor.registry import selectors as registry_selectors

LIST_FIELDS = ("products", "technologies", "terms", "synonyms", "exclusions", "industry_codes")


class DecisionForm(forms.Form):
    node = forms.CharField(max_length=80)
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in DECIDED])
    note = forms.CharField(max_length=300, required=False)


def _lines(value: str) -> list[str]:
    """One entry per line (commas and 、 also separate), trimmed, without duplicates."""
    out: list[str] = []
    for raw in value.replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines():
        item = raw.strip()
        if item and item not in out:
            out.append(item)
    return out


class NodeForm(StoredNewlines, forms.Form):
    id = forms.CharField(label=_("Node id"), max_length=80)
    original_id = forms.CharField(widget=forms.HiddenInput, required=False)
    parent = forms.CharField(label=_("Parent node"), max_length=80, required=False)
    name_zh = forms.CharField(label=_("Chinese name"), max_length=60)
    name_en = forms.CharField(label=_("English name"), max_length=80)
    stage = forms.ChoiceField(
        label=_("Stage"),
        choices=[
            ("upstream", _("upstream")),
            ("midstream", _("midstream")),
            ("downstream", _("downstream")),
        ],
    )
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    products = forms.CharField(
        label=_("Typical products"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    technologies = forms.CharField(
        label=_("Key technologies"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    terms = forms.CharField(
        label=_("Terms (strong evidence)"), widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    synonyms = forms.CharField(
        label=_("Synonyms (weak evidence)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    exclusions = forms.CharField(
        label=_("Exclusions (veto in the same clause)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    # one code per line like the other lists: a single-line input drops the newlines of its value,
    # so an unchanged save ran the codes together (C3985C2613…) and was refused
    industry_codes = forms.CharField(
        label=_("GB/T 4754 codes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.chain = chain

    def clean_id(self) -> str:
        value = self.cleaned_data["id"].strip()
        if not NODE_ID.match(value) or not value.startswith(self.chain.id + "."):
            raise forms.ValidationError(
                _("A node id looks like '%(c)s.name' (lowercase).") % {"c": self.chain.id}
            )
        original = (self.data.get("original_id") or "").strip()
        if value != original and any(n.id == value for n in self.chain.nodes):
            raise forms.ValidationError(_("Another node already has this id."))
        if original and value != original:
            raise forms.ValidationError(
                _("Node ids are stable (other modules use them); add a new node instead.")
            )
        return value

    def definition(self) -> dict[str, Any]:
        """The node as a chain-definition dict."""
        d = self.cleaned_data
        out: dict[str, Any] = {
            "id": d["id"],
            "parent": d["parent"].strip() or None,
            "name": {"zh": d["name_zh"].strip(), "en": d["name_en"].strip()},
            "stage": d["stage"],
            "description": {"zh": d["description_zh"].strip(), "en": d["description_en"].strip()},
        }
        for key in LIST_FIELDS:
            out[key] = _lines(d[key])
        return out


def node_initial(node: Node | None, chain_id: str) -> dict[str, Any]:
    """Form values for an existing node (or a blank new one)."""
    if node is None:
        return {"id": f"{chain_id}.", "stage": "midstream"}
    initial: dict[str, Any] = {
        "id": node.id,
        "original_id": node.id,
        "parent": node.parent or "",
        "name_zh": node.name_zh,
        "name_en": node.name_en,
        "stage": node.stage,
        "description_zh": node.description_zh,
        "description_en": node.description_en,
    }
    for key in LIST_FIELDS:
        initial[key] = "\n".join(getattr(node, key))
    return initial


class EdgeForm(forms.Form):
    source = forms.ChoiceField(label=_("Supplier node"))
    target = forms.ChoiceField(label=_("Customer node"))
    action = forms.ChoiceField(
        label=_("Add or remove"),
        choices=[
            ("add", pgettext_lazy("edge", "Add")),
            ("remove", pgettext_lazy("edge", "Remove")),
        ],
    )

    def __init__(self, *args: Any, nodes: dict[str, Node], chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = [(n.id, f"{n.id} {n.name_zh}") for n in chain.nodes]
        every = [(nid, f"{nid} {n.name_zh}") for nid, n in nodes.items()]
        # the fields are the ChoiceFields declared above; the stubs only know them as Field
        cast(forms.ChoiceField, self.fields["source"]).choices = own  # edges: the supplying chain
        cast(forms.ChoiceField, self.fields["target"]).choices = every


class OwnersForm(StoredNewlines, forms.Form):
    leader_name = forms.CharField(label=_("Chain chief"), max_length=60, required=False)
    leader_title = forms.CharField(label=_("Office"), max_length=120, required=False)
    anchors = forms.CharField(
        label=_("Anchor enterprises: one USCC or record id per line"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def clean_anchors(self) -> list[int]:
        ids = []
        for line in _lines(self.cleaned_data["anchors"]):
            enterprise = registry_selectors.find_enterprise(line)
            if enterprise is None:
                raise forms.ValidationError(_("No enterprise with USCC or id %(v)s.") % {"v": line})
            ids.append(enterprise.pk)
        return ids
