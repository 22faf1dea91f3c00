"""Signals between apps that must not know each other: the data that read models are built from changed.

`data_changed` is sent once the transaction that changed registry, import or atlas data has
committed (sender: the label of the app that changed it, e.g. "registry", "imports", "atlas").
Apps that keep read models built from those data (the investment app's scored candidate pools)
listen and refresh them in the background; the senders import nothing of theirs.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.dispatch import Signal

logger = logging.getLogger(__name__)

data_changed = Signal()


def announce_data_changed(source: str) -> None:
    """Send `data_changed` from `source` when the current transaction commits (at once outside one).

    A listener's failure is logged; it never fails or undoes the write that has committed.
    """
    transaction.on_commit(lambda: _send(source), robust=True)


def _send(source: str) -> None:
    for receiver, result in data_changed.send_robust(sender=source):
        if isinstance(result, Exception):
            logger.error(
                "%s failed after a change of %s data",
                receiver,
                source,
                exc_info=(type(result), result, result.__traceback__),
            )
