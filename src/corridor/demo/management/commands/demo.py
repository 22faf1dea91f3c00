"""corridor demo: build the demo database (real reference entities + labelled synthetic data + users).

Progress shows one stage at a time: a bar on a terminal, a plain line per stage otherwise (logs,
CI). The summary is made from the same counts and times the bars showed. The logins are printed
once, by `corridor serve` (make demo runs it next).
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from corridor.demo.builder import build_demo

LABELS = {
    "local": "local enterprises",
    "national": "national enterprises",
    "classified": "enterprises classified",
    "qualified": "enterprises qualified",
}


@dataclass
class Stage:
    name: str
    total: int
    done: int = 0
    started: float = field(default_factory=time.perf_counter)
    seconds: float = 0.0


class StageProgress:
    """One stage's progress at a time: the previous bar is closed before the next one opens."""

    def __init__(self, out: TextIO, bars: bool, quiet: bool = False) -> None:
        self.out, self.bars, self.quiet = out, bars, quiet
        self.stages: list[Stage] = []
        self.bar: tqdm | None = None

    def __call__(self, stage: str, n: int, total: int) -> None:
        current = self.stages[-1] if self.stages else None
        if current is None or current.name != stage:
            self.finish()
            current = Stage(stage, total)
            self.stages.append(current)
            if self.bars and not self.quiet:
                self.bar = tqdm(
                    total=total or None, desc=LABELS.get(stage, stage), unit=" ent", file=self.out
                )
        if total and total != current.total:
            current.total = total
            if self.bar is not None:
                self.bar.total = total
        current.done += n
        if self.bar is not None:
            self.bar.update(n)

    def finish(self) -> None:
        """Close the running stage (its bar, or its line when there are no bars)."""
        if not self.stages or self.stages[-1].seconds:
            return
        stage = self.stages[-1]
        stage.seconds = max(time.perf_counter() - stage.started, 1e-6)
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        elif not self.quiet:
            self.out.write(
                f"{LABELS.get(stage.name, stage.name)}: {stage.done:,} ({stage.seconds:.1f} s)\n"
            )
            self.out.flush()

    def summary(self, total_seconds: float) -> str:
        parts = [
            f"{s.done:,} {LABELS.get(s.name, s.name)} in {s.seconds:.1f} s" for s in self.stages
        ]
        return f"demo built in {total_seconds:.1f} s: " + "; ".join(parts)


class Command(BaseCommand):
    help = "Build the demo data: ~3,000 synthetic local enterprises, ~300,000 national, the real reference entities and demo users."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--local", type=int, default=3000)
        parser.add_argument("--national", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", verbosity=0)  # creates the cache table too
        quiet = opts["verbosity"] == 0
        progress = StageProgress(sys.stderr, bars=sys.stderr.isatty(), quiet=quiet)
        timings = build_demo(opts["local"], opts["national"], opts["seed"], progress)
        progress.finish()
        if not quiet:
            self.stdout.write(progress.summary(timings["total"]))
            self.stdout.write("demo users created; `corridor serve` prints their logins")
