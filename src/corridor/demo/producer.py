"""Generate synthetic records in a child process (imports nothing from Django, so `spawn` can load it)."""

from __future__ import annotations

import multiprocessing
import queue as queue_module
from collections.abc import Iterator
from typing import Any

from corridor.engine import synthetic

CHUNK = 4000


def _produce(kind: str, seed: int, count: int, years: tuple[int, ...], out: Any) -> None:
    """Child process: generate records and hand them over in chunks (None marks the end)."""
    generate = synthetic.generate_local if kind == "local" else synthetic.generate_national
    chunk: list[synthetic.SyntheticEnterprise] = []
    for record in generate(seed=seed, count=count, years=years):
        chunk.append(record)
        if len(chunk) >= CHUNK:
            out.put(chunk)
            chunk = []
    out.put(chunk)
    out.put(None)


def generated_in_background(
    kind: str, seed: int, count: int, years: tuple[int, ...]
) -> Iterator[synthetic.SyntheticEnterprise]:
    """The generator's records, produced in a second process so generation overlaps database writes."""
    context = multiprocessing.get_context("spawn")
    channel = context.Queue(maxsize=8)
    process = context.Process(
        target=_produce, args=(kind, seed, count, years, channel), daemon=True
    )
    process.start()
    try:
        while True:
            try:
                chunk = channel.get(timeout=2)
            except queue_module.Empty:
                if not process.is_alive():
                    raise RuntimeError(
                        f"the {kind} generator process died (exit code {process.exitcode})"
                    ) from None
                continue
            if chunk is None:
                return
            yield from chunk
    finally:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
