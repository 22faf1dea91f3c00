"""Registry forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corridor.imports.models import ImportMode
from corridor.registry.columns import ENTERPRISE_FIELDS
from corridor.registry.models import Enterprise


class EnterpriseForm(forms.ModelForm):
    confirm_checksum = forms.BooleanField(
        label=_("The USCC fails its checksum but is written exactly as issued"), required=False
    )

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "uscc",
            "legal_form",
            "established_on",
            "registered_capital",
            "address",
            "industry_code",
            "business_scope",
            "main_products",
            "is_local",
            "park",
            "status",
            "latitude",
            "longitude",
        ]
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}),
            "business_scope": forms.Textarea(attrs={"rows": 4}),
            "main_products": forms.Textarea(attrs={"rows": 2}),
        }


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX, XLS or CSV)"))


MONEY_UNITS = [
    ("1", _("10k yuan (万元)")),
    ("0.0001", _("yuan (元)")),
    ("0.1", _("thousand yuan (千元)")),
    ("10000", _("100 million yuan (亿元)")),
]


def mapping_form_class(labels: list[str]) -> type[forms.Form]:
    """A form with one field-choice per file column, plus import options."""
    choices = [("", _("— ignore —"))] + [
        (f.name, f"{f.label_zh} / {f.label_en}") for f in ENTERPRISE_FIELDS
    ]
    attrs: dict[str, forms.Field] = {
        f"col_{i}": forms.ChoiceField(label=label or f"#{i + 1}", choices=choices, required=False)
        for i, label in enumerate(labels)
    }
    attrs["money_unit"] = forms.ChoiceField(
        label=_("Unit of money columns whose header names no unit"),
        choices=MONEY_UNITS,
        initial="1",
    )
    attrs["accept_warnings"] = forms.BooleanField(
        label=_("Accept USCCs that fail the checksum (I have checked them)"), required=False
    )
    return type("MappingForm", (forms.Form,), attrs)


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID_ROWS,
        widget=forms.RadioSelect,
    )
