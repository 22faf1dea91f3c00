"""corridor atlas gaps|classify|train|sync: the atlas from the command line."""

from __future__ import annotations

import os
import sys
from datetime import datetime
from typing import Any, cast

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from corridor.atlas import selectors, services
from corridor.atlas.reasons import no_data_explanation, reason_text, verdict_label
from corridor.engine.gaps import DEFAULT_WEIGHTS, WEIGHTS_VERSION
from corridor.errors import DomainError


class Command(BaseCommand):
    help = "Industry-chain atlas: weak links (gaps), classify the registry, retrain, reload chains."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        sub = parser.add_subparsers(dest="action", required=True)
        gaps = sub.add_parser("gaps", help="print a chain's nodes ranked by weak-link score")
        gaps.add_argument("--chain", required=True)
        for name, weight in DEFAULT_WEIGHTS.items():
            gaps.add_argument(f"--w-{name}", type=float, default=weight, dest=f"w_{name}")
        run = sub.add_parser("classify", help="classify every enterprise in the registry")
        run.add_argument("--workers", type=int, default=os.cpu_count() or 1)
        sub.add_parser("train", help="retrain the learned layer with analysts' decisions")
        sub.add_parser("sync", help="load packaged chain files newer than the stored versions")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            getattr(self, f"_{opts['action']}")(opts)
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _gaps(self, opts: dict[str, Any]) -> None:
        chain = selectors.get_chain(opts["chain"])
        weights = {name: opts[f"w_{name}"] for name in DEFAULT_WEIGHTS}
        try:
            ranked = selectors.weak_links(chain, weights)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"{chain.key} {chain.name_zh} — v{chain.current_version}, {WEIGHTS_VERSION}, "
            + ", ".join(f"{k}={v:g}" for k, v in weights.items())
        )
        self.stdout.write(
            f"{'#':>2}  {'score':>5}  {'node':<24} {'n':>5} {'LQ':>5} {'cover':>5}  reasons"
        )
        for rank, item in enumerate(ranked, start=1):
            facts, result = item["facts"], item["result"]
            if not result.judged:
                label = f"{item['node'].id} {item['node'].name_zh}"
                self.stdout.write(
                    f"{'-':>2}  {'n/a':>5}  {label:<24} {facts.enterprises:>5} {'-':>5} {'-':>5}  "
                    f"[{result.verdict}] {verdict_label(result)}: {no_data_explanation()}"
                )
                continue
            lq = "-" if facts.lq is None else f"{facts.lq:.2f}"
            cover = (
                f"{len(facts.upstream_covered)}/{len(facts.upstream)}" if facts.upstream else "-"
            )
            reasons = ", ".join(
                f"{reason_text(p)} +{p.contribution:.1f}"
                for p in result.main_reasons
                if p.contribution > 0
            )
            label = f"{item['node'].id} {item['node'].name_zh}"
            self.stdout.write(
                f"{rank:>2}  {result.score:5.1f}  {label:<24} {facts.enterprises:>5} {lq:>5} {cover:>5}  {reasons}"
            )

    def _classify(self, opts: dict[str, Any]) -> None:
        bar = tqdm(unit="ent", file=sys.stderr)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        run = services.classify_registry(None, progress=progress, workers=max(1, opts["workers"]))
        bar.close()
        finished = cast(datetime, run.finished_at)  # classify_registry returns a finished run
        seconds = (finished - run.started_at).total_seconds()
        self.stdout.write(
            _(
                "%(n)d enterprises classified in %(s).1f s: %(l)d on a node, %(k)d analyst decisions kept"
            )
            % {"n": run.enterprises, "s": seconds, "l": run.labelled, "k": run.kept_decisions}
        )

    def _train(self, opts: dict[str, Any]) -> None:
        model = services.retrain_model(None)
        self.stdout.write(f"{model.version}: {model.trained_on} rows, {model.decisions} decisions")

    def _sync(self, opts: dict[str, Any]) -> None:
        changed = services.ensure_packaged_chains()
        self.stdout.write(", ".join(changed) if changed else "up to date")
