"""The investment app's background jobs: scored candidate pools built again after a data change.

Registry, imports and atlas announce a change (corridor.core.signals.data_changed) without knowing
who listens; the investment app queues one pool-warming job for the worker (a burst of changes
queues one, see core.tasks.queue_once). The job builds, under the new change stamp, the pool of
every whole chain and of the selections requests built lately, so the next targets or map page
reads a warm pool instead of building it (~3 s for a whole chain on the national demo). Until the
job has run a request builds its pool itself, as it always did.
"""

from __future__ import annotations

import logging
from typing import Any

from corridor.core import tasks
from corridor.core.memo import request_scope
from corridor.engine.targeting import DEFAULT_STRATEGY
from corridor.investment import candidates, charts, targets

logger = logging.getLogger(__name__)


def queue_pool_warming(sender: Any = None, **kwargs: Any) -> str | None:
    """data_changed receiver: queue warm_pools unless a warm-up already waits (its job id)."""
    return tasks.queue_once(warm_pools)


def warm_pools() -> int:
    """Build every pool a page is likely to ask for that is not cached under the current stamp,
    and each whole chain's map as it first opens (default strategy and number of targets); how
    many pools were built."""
    built = 0
    with request_scope():  # the change stamp and the atlas are read once for the whole job
        selections = candidates.selections_to_warm()
        for nodes in selections:
            if candidates.warm_pool(nodes):
                built += 1
        for nodes in selections[: len(candidates.whole_chains())]:
            charts.map_payload(nodes, DEFAULT_STRATEGY, targets.DEFAULT_TOP)
    logger.info("warmed %d candidate pool(s)", built)
    return built
