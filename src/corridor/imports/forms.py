"""The import pages' forms: upload, column mapping with options, apply mode, revert confirmation."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corridor.engine.sheets.columns import ImportField
from corridor.imports.models import ImportMode

MONEY_UNITS = [
    ("1", _("10k yuan")),
    ("0.0001", _("yuan")),
    ("0.1", _("thousand yuan")),
    ("10000", _("100 million yuan")),
]


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Year of the figures (when the file names none)"),
        required=False,
        min_value=1949,
        max_value=2100,
        widget=forms.NumberInput(attrs={"placeholder": "2024", "inputmode": "numeric"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (XLSX, XLS or CSV)"))
    year = _year_field()


def mapping_form_class(labels: list[str], columns: tuple[ImportField, ...]) -> type[forms.Form]:
    """A form with one field-choice per file column, plus import options."""
    choices = [("", _("— ignore —"))] + [(f.name, f"{f.label_zh} / {f.label_en}") for f in columns]
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
    attrs["year"] = _year_field()
    return type("MappingForm", (forms.Form,), attrs)


class ApplyForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("Mode"),
        choices=ImportMode.choices,
        initial=ImportMode.VALID_ROWS,
        widget=forms.RadioSelect,
    )


class RevertForm(forms.Form):
    confirm_edited = forms.BooleanField(
        label=_("Revert anyway, undoing the edits listed above"), required=False
    )
