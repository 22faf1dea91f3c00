"""A whole-registry classification run is a queued job; one whose worker died can be started again."""

from __future__ import annotations

from django.test import Client
from django_tasks_db.models import DBTaskResult

from corridor.atlas.views import RUN_KEY
from corridor.core import tasks
from tests.factories import user_with_role


def test_a_run_whose_worker_died_shows_so_and_can_be_started_again(db, settings) -> None:  # type: ignore[no-untyped-def]
    settings.CORRIDOR_TASKS_INLINE = False
    tasks.clear_progress(RUN_KEY)
    client = Client()
    client.force_login(user_with_role("administrator", "root"))
    assert client.post("/atlas/classify/").status_code == 302
    first = DBTaskResult.objects.get()
    assert tasks.read_progress(RUN_KEY)["task"] == str(first.pk)  # type: ignore[index]
    client.post("/atlas/classify/")  # while it runs, a second start is refused
    assert DBTaskResult.objects.count() == 1
    first.claim("dead-worker")  # a worker took it and died
    partial = client.get("/atlas/classify/progress/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="run-lost"' in partial
    client.post("/atlas/classify/")
    assert DBTaskResult.objects.count() == 2  # started again
    tasks.clear_progress(RUN_KEY)
