"""A generator run in a child process: items in order, errors raised here, a dead or abandoned child noticed."""

from __future__ import annotations

import gc
import os
import pickle
from collections.abc import Iterator

import pytest

from corridor.core.pipeline import BULK_GC_THRESHOLD, OutOfMemory, bulk_gc, in_child_process
from corridor.engine.sheets.tabular import TableError

# The child imports this module to find these generators, so they live at module level.


def numbers(count: int) -> Iterator[list[int]]:
    for start in range(0, count, 10):
        yield list(range(start, min(start + 10, count)))


def fails_after_one() -> Iterator[int]:
    yield 1
    raise TableError("decode_error", "Row 7 is not valid utf-8 text.", {"row": 7})


def dies() -> Iterator[int]:
    os._exit(3)  # as if killed (out of memory, kill -9): no goodbye, no error message
    yield 0


def endless() -> Iterator[int]:
    n = 0
    while True:
        n += 1
        yield n


def unpicklable_error() -> Iterator[int]:
    class Local(Exception):  # a class pickle cannot find by name
        pass

    raise Local("nobody can unpickle me")
    yield 0


def test_items_arrive_in_order() -> None:
    chunks = list(in_child_process(numbers, 95, depth=2))
    assert [n for chunk in chunks for n in chunk] == list(range(95))


def test_an_error_in_the_child_is_raised_here_with_its_type_fields_and_traceback() -> None:
    items = in_child_process(fails_after_one)
    assert next(items) == 1
    with pytest.raises(TableError) as info:
        next(items)
    assert (info.value.code, info.value.params) == ("decode_error", {"row": 7})
    assert any("in the child process" in note for note in info.value.__notes__)


def test_an_unpicklable_error_still_arrives_as_text() -> None:
    with pytest.raises(RuntimeError, match="nobody can unpickle me"):
        list(in_child_process(unpicklable_error))


def test_a_child_that_dies_is_a_clear_failure() -> None:
    with pytest.raises(
        ChildProcessError, match=r"test parser process stopped unexpectedly \(exit code 3\)"
    ):
        list(in_child_process(dies, name="test parser"))


def test_a_consumer_that_stops_early_ends_the_child() -> None:
    items = in_child_process(endless, depth=1)
    assert next(items) == 1
    frame = items.gi_frame
    assert frame is not None
    process = frame.f_locals["process"]
    items.close()
    assert not process.is_alive() and process.exitcode is not None


def test_table_errors_survive_pickling() -> None:
    error = pickle.loads(pickle.dumps(TableError("malformed_csv", "Row 3 …", {"row": 3})))
    assert (error.code, error.message, error.params) == ("malformed_csv", "Row 3 …", {"row": 3})


def test_bulk_gc_restores_the_collector() -> None:
    before = gc.get_threshold()
    with bulk_gc():
        assert gc.get_threshold() == BULK_GC_THRESHOLD and gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def hungry() -> Iterator[int]:
    yield len(bytearray(1 << 30))  # 1 GiB, far above the ceiling below


def aborts() -> Iterator[int]:
    os.abort()  # as calamine does when an allocation fails
    yield 0


def test_a_child_over_its_memory_ceiling_is_out_of_memory_not_a_dead_parent() -> None:
    with pytest.raises(OutOfMemory) as info:
        list(in_child_process(hungry, memory_limit_mb=256))
    assert "256 MiB" in str(info.value)
    with pytest.raises(OutOfMemory) as info:
        list(in_child_process(aborts, memory_limit_mb=256))
    assert "exit code -6" in str(info.value)
    assert list(in_child_process(numbers, 5, memory_limit_mb=256)) == [[0, 1, 2, 3, 4]]
