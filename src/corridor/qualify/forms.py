"""Forms: an assessment entry, a policy upload."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from corridor.core.forms import IsoDateInput
from corridor.engine.qualify import metrics as m


def assessment_choices() -> list[tuple[str, str]]:
    """The assessments an officer may enter, named in the active language (read at each render)."""
    english = (get_language() or "zh-hans").startswith("en")
    return [(k, v.en if english else v.zh) for k, v in m.ASSESSMENTS.items()]


class AssessmentForm(forms.Form):
    key = forms.ChoiceField(label=_("Assessment"), choices=assessment_choices)
    value = forms.CharField(
        label=_("Value"), max_length=40, help_text=_("yes / no, or a number (share as 0.35)")
    )
    source = forms.CharField(label=_("Source"), max_length=200)
    as_of = forms.DateField(label=_("As of"), widget=IsoDateInput())

    def parsed_value(self) -> object:
        raw = self.cleaned_data["value"].strip().lower()
        if raw in ("yes", "true", "是", "y"):
            return True
        if raw in ("no", "false", "否", "n"):
            return False
        try:
            return float(raw)
        except ValueError:
            return raw


class PolicyUploadForm(forms.Form):
    file = forms.FileField(label=_("Policy file (YAML)"))
