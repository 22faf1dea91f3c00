"""Every date field of every form renders as an ISO <input type="date"> (core.forms.IsoDateInput).

Django renders a date in the active locale's format (2009/08/06 in Chinese), which a browser's
date input drops: an unchanged save then erased the date (issue 9). A form added later that
forgets the widget fails here, not in an official's hands.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from django import forms

import corridor
from corridor.core.forms import IsoDateInput


def _project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for module_info in pkgutil.walk_packages(corridor.__path__, "corridor."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found.append(cls)
    return found


def test_every_date_field_uses_the_iso_date_input() -> None:
    classes = _project_forms()
    assert len(classes) >= 5, classes  # the walk found the apps' forms
    wrong = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in getattr(cls, "base_fields", {}).items()
        if isinstance(field, forms.DateField)
        and not isinstance(field.widget, (IsoDateInput, forms.HiddenInput))
    ]
    assert not wrong, wrong
