"""The task-queue seam: jobs queued in the database, worker liveness by lock file, lost jobs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django_tasks_db.models import DBTaskResult

from corridor.core import tasks
from corridor.imports import services
from corridor.imports.models import ImportBatch
from corridor.registry.models import Enterprise
from tests.factories import user_with_role, valid_uscc
from tests.registry.files import write_csv

SRC = Path(__file__).resolve().parents[2] / "src"
HOLD = (
    "import sys, django; django.setup()\n"
    "from corridor.core import tasks\n"
    "with tasks.worker_lease(sys.argv[1]):\n"
    "    print('held', flush=True); sys.stdin.read()\n"
)


def test_a_worker_is_alive_while_its_process_holds_the_lease_and_dead_once_killed() -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "corridor.settings",
        "CORRIDOR_VAR_DIR": str(django_settings.VAR_DIR),  # the folder this process looks in
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, "w-test"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        assert tasks.worker_alive("w-test")
        assert tasks.workers_running() >= 1
    finally:
        holder.kill()  # SIGKILL: no clean-up runs, the system drops the lock
        holder.wait()
    assert not tasks.worker_alive("w-test")
    assert not tasks.worker_alive("never-started")
    left = Path(django_settings.VAR_DIR) / "workers" / "w-test.lock"
    assert left.exists()  # SIGKILL left the file behind
    tasks.workers_running()
    assert left.exists()  # too young to tell from a worker that is just starting
    old = left.stat().st_mtime - tasks.STALE_LOCK_SECONDS - 5
    os.utime(left, (old, old))
    tasks.workers_running()
    assert not left.exists() and not tasks.worker_alive("w-test")


def test_only_module_level_functions_can_be_queued(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_TASKS_INLINE = False
    with pytest.raises(ValueError, match="module-level"):
        tasks.run_task(lambda: None)


def test_a_running_job_whose_worker_died_is_lost_and_reaped(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_TASKS_INLINE = False
    job = tasks.run_task(services.apply_queued, 0, None, "valid_rows")
    assert job and tasks.task_state(job).status == "queued"
    DBTaskResult.objects.get(pk=job).claim("dead-worker")  # as a worker claims it, then dies
    assert tasks.task_state(job).status == "lost"
    assert tasks.reap_lost_tasks() == 1
    assert tasks.task_state(job).status == "failed"
    assert tasks.task_state("00000000-0000-0000-0000-000000000000").status == "unknown"


def test_progress_written_by_a_lost_job_reads_as_lost(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_TASKS_INLINE = False
    job = tasks.run_task(services.apply_queued, 0, None, "valid_rows")
    assert job
    tasks.write_progress("t-lost", 3, 10, "running", task=job)
    assert not tasks.read_progress("t-lost").get("lost")  # type: ignore[union-attr]
    DBTaskResult.objects.get(pk=job).claim("dead-worker")
    assert tasks.read_progress("t-lost")["lost"] is True  # type: ignore[index]


def test_an_import_whose_job_died_is_failed_with_a_reason_and_applies_again(
    db, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    admin = user_with_role("administrator", "root")
    path = write_csv(
        tmp_path / "a.csv", [["金华甲科技有限公司", valid_uscc(901), "婺城区", 2024, "1", 1, "1"]]
    )
    batch = services.validate_batch(services.receive_path(path, admin), actor=admin)
    settings.CORRIDOR_TASKS_INLINE = False
    batch = services.queue_apply(batch, admin)
    assert batch.status == "applying" and batch.task_id
    client = Client()
    client.force_login(admin)
    waiting = client.get(f"/imports/batch/{batch.pk}/progress/", HTTP_ACCEPT_LANGUAGE="en")
    assert "waiting for the worker" in waiting.content.decode()
    assert 'id="no-worker"' in waiting.content.decode()  # and no worker runs to take it
    assert "HX-Refresh" not in waiting
    DBTaskResult.objects.get(pk=batch.task_id).claim("dead-worker")
    assert (
        client.post(f"/imports/batch/{batch.pk}/apply/").status_code == 302
    )  # not "already applied"
    # ... because the page first found the job dead: failed with the reason, then queued anew
    stopped = ImportBatch.objects.get(pk=batch.pk)
    assert stopped.status == "applying" and stopped.task_id != batch.task_id
    DBTaskResult.objects.get(pk=stopped.task_id).claim("dead-worker")
    progress = client.get(f"/imports/batch/{batch.pk}/progress/", HTTP_ACCEPT_LANGUAGE="en")
    assert progress["HX-Refresh"] == "true"  # the page stops polling
    failed = ImportBatch.objects.get(pk=batch.pk)
    assert failed.status == "failed" and "worker process stopped" in failed.message
    page = client.get(f"/imports/batch/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "its worker process stopped" in page and "/progress/" not in page
    assert client.post(f"/imports/batch/{batch.pk}/revert/").status_code == 409
    settings.CORRIDOR_TASKS_INLINE = True
    client.post(f"/imports/batch/{batch.pk}/apply/", {"mode": "valid_rows"})
    assert ImportBatch.objects.get(pk=batch.pk).status == "applied"
    assert Enterprise.objects.filter(uscc=valid_uscc(901)).count() == 1
