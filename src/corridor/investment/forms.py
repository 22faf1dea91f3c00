"""Forms of investment attraction."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corridor.core.forms import IsoDateInput, StoredNewlines
from corridor.investment.models import ActivityKind, DocumentKind, LostReason, Project, Stage, Team
from corridor.investment.services import EDITABLE
from corridor.investment.stages import channels

DATE = IsoDateInput()


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
