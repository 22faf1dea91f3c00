"""What the flow announces, so other apps react without the intake wing importing them.

import_applied(batch, actor, counts, source) is sent inside the apply transaction once its rows are
written (source: the channel of the apply, web, api or cli);
import_reverted(batch, actor, counts, removed, source) inside the revert transaction. The audit trail
(corridor.accounts) records both.
"""

from django.dispatch import Signal

import_applied = Signal()
import_reverted = Signal()
