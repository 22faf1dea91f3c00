"""The channel a change came through (stored as a short key), in words for people."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

CHANNEL_LABELS: dict[str, Promise] = {
    "web": _("web page"),
    "api": _("API"),
    "cli": _("command line"),
    "import": _("import"),
}


def channel_label(key: str) -> str:
    """'web' -> '网页' in Chinese; an unknown key as it is."""
    label = CHANNEL_LABELS.get(key)
    return str(label) if label is not None else key
