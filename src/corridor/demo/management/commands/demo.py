"""corridor demo: build the demo database (real reference entities + labelled synthetic data + users)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from tqdm import tqdm

from corridor.demo.builder import build_demo, ensure_demo_users


class Command(BaseCommand):
    help = "Build the demo data: ~3,000 synthetic local enterprises, ~300,000 national, the real reference entities and demo users."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("--local", type=int, default=3000)
        parser.add_argument("--national", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args: Any, **opts: Any) -> None:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        bars: dict[str, tqdm] = {}

        def progress(stage: str, n: int, total: int) -> None:
            if stage not in bars:
                bars[stage] = tqdm(
                    total=total,
                    desc=f"{stage} enterprises",
                    unit=" ent",
                    unit_scale=True,
                    disable=opts["verbosity"] == 0,
                )
            bars[stage].update(n)

        timings = build_demo(opts["local"], opts["national"], opts["seed"], progress)
        for bar in bars.values():
            bar.close()
        self.stdout.write("demo built in " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))
        for username, password, role in ensure_demo_users():
            self.stdout.write(f"  {username:10s} {password}  {role}")
