"""Generate synthetic records in a child process (imports nothing from Django, so `spawn` can load it)."""

from __future__ import annotations

from collections.abc import Iterator

from corridor.core.pipeline import in_child_process
from corridor.demo.generator import SyntheticEnterprise, generate_local, generate_national

CHUNK = 4000


def _produce(
    kind: str, seed: int, count: int, years: tuple[int, ...]
) -> Iterator[list[SyntheticEnterprise]]:
    """Child process: generate records, in chunks."""
    generate = generate_local if kind == "local" else generate_national
    chunk: list[SyntheticEnterprise] = []
    for record in generate(seed=seed, count=count, years=years):
        chunk.append(record)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    yield chunk


def generated_in_background(
    kind: str, seed: int, count: int, years: tuple[int, ...]
) -> Iterator[SyntheticEnterprise]:
    """The generator's records, produced in a second process so generation overlaps database writes."""
    for chunk in in_child_process(
        _produce, kind, seed, count, years, depth=8, name=f"{kind} generator"
    ):
        yield from chunk
