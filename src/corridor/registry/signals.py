"""What the registry tells other apps, so they can follow its changes without it importing them."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after a transaction that created, edited, soft-deleted or restored enterprises (or an
# import or its revert) has committed: sender is the Enterprise model, `ids` a sorted list of
# their primary keys (deleted ones included, so followers can drop what hangs on them).
enterprises_changed = Signal()

# Sent after an import (or its revert) has committed, with every enterprise whose record or yearly
# facts it wrote (`ids`, sorted): followers that read figures, not texts (qualification), use it.
enterprise_facts_changed = Signal()
