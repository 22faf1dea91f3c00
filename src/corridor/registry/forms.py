"""Registry forms."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from corridor.core.forms import IsoDateInput, StoredNewlines
from corridor.registry.models import Enterprise


class EnterpriseForm(StoredNewlines, forms.ModelForm):
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
            "established_on": IsoDateInput(),
            "business_scope": forms.Textarea(attrs={"rows": 4}),
            "main_products": forms.Textarea(attrs={"rows": 2}),
        }
