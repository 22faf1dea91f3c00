"""Form widgets every app shares."""

from __future__ import annotations

from typing import Any

from django import forms


class IsoDateInput(forms.DateInput):
    """<input type="date"> with its value in ISO form (2009-08-06), whatever the language.

    A browser's date input accepts only ISO dates; Django would otherwise render the active
    locale's format (2009/08/06 in Chinese), which the browser drops, so saving an unchanged form
    erased the date."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class StoredNewlines(forms.BaseForm):
    """Text fields come back with newlines as stored (\\n), not as browsers submit them (\\r\\n).

    HTML forms send a <textarea>'s line breaks as CRLF, so an unchanged save of a multi-line field
    changed the record and wrote a history entry. Put this class before forms.(Model)Form."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        for key, value in data.items():
            if isinstance(value, str) and "\r" in value:
                data[key] = value.replace("\r\n", "\n").replace("\r", "\n")
        return data
