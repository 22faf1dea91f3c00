"""Opening an import file without putting the process at risk: cheap files here, the rest in a child.

calamine reads a whole sheet into memory, and when an allocation fails it aborts the process. The
guard (corridor.engine.sheets.guard) refuses hostile workbooks first; what it lets through is read

- here, when the guard's estimate of the reading's memory is small (CSV files always: they stream);
- otherwise in a spawned child process under a memory ceiling (core.pipeline, RLIMIT_AS), which
  sends back the table's first rows; rows past those are read by another such child, on demand.
  A child that runs out of memory becomes the TableError memory_limit, never a dead web process.

Measured on this machine: a child costs about 0.5 s to start; the guard scans 94 MB of sheet XML
(100,000 rows x 15 columns, a 6.6 MB file) in about 1 s, and that file reads fully under a 200 MiB
ceiling (peak 170 MB), while 120 MiB is refused as memory_limit. In-process reading is kept for workbooks whose parts unpack to at most
IN_PROCESS_UNPACKED_BYTES (the guard's full scan of those takes under 0.4 s) and whose estimate
stays under IN_PROCESS_READ_BYTES: the usual upload of a few thousand rows pays no child start,
while a 2 KB file that could cost gigabytes never reaches calamine here. An .xls is always read in
the child: its grid is capped at 65,536 x 256 cells, but two cells at its corners make calamine
allocate 537 MB, and the guard does not parse the OLE2 container.

Imports nothing from Django: the child imports this module too.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from corridor.core.pipeline import OutOfMemory, in_child_process
from corridor.engine.sheets.guard import Limits, MiB, check_directory, check_zip
from corridor.engine.sheets.tabular import (
    Cells,
    Table,
    TableError,
    open_table,
    out_of_memory,
    sniff,
)

T = TypeVar("T")
# The reading child's address-space ceiling: room for the guard's largest rectangle (10 million cells
# x 32 bytes = 320 MB) and its values, and well under the 1 GB an import may take in all.
MEMORY_LIMIT_MB = 768
# Workbooks unpacking to at most this are checked and, if cheap, read in the calling process.
IN_PROCESS_UNPACKED_BYTES = 32 * MiB
# The guard's estimate of calamine's memory above which reading moves to the child.
IN_PROCESS_READ_BYTES = 64 * MiB  # 2 million cells; a few thousand rows of 30 columns need ~10 MB
AHEAD_ROWS = 200  # rows sent back with an opened table: the header search and a preview need fewer
ROWS_PER_MESSAGE = 1000  # rows pickled together when a child streams a whole sheet


@dataclass(frozen=True)
class Opening:
    """How to open one file: everything a child process needs (picklable)."""

    path: str
    filename: str
    sheet: str | None = None
    max_bytes: int | None = None
    limits: Limits = Limits()
    memory_limit_mb: int = MEMORY_LIMIT_MB

    def open(self) -> Table:
        """open_table with these options, in the calling process."""
        return open_table(
            self.path,
            filename=self.filename,
            sheet=self.sheet,
            max_bytes=self.max_bytes,
            limits=self.limits,
        )


def open_import_table(
    path: str | os.PathLike[str],
    *,
    filename: str = "",
    sheet: str | None = None,
    max_bytes: int | None = None,
    limits: Limits | None = None,
    memory_limit_mb: int = MEMORY_LIMIT_MB,
) -> Table:
    """open_table, here when the file is cheap to read, else in a memory-limited child process."""
    path = os.fspath(path)
    opening = Opening(
        path,
        filename or os.path.basename(path),
        sheet,
        max_bytes,
        limits or Limits(),
        memory_limit_mb,
    )
    if not reads_in_child(opening):
        return opening.open()
    [table] = list(in_reading_child(_open_ahead, opening, opening=opening, name="sheet opener"))
    table.rest = lambda after: _rows_after(opening, table.sheet, after)
    return table


def reads_in_child(opening: Opening) -> bool:
    """Whether reading this file belongs in a child process; refuses what the guard refuses."""
    kind, _head, _size = sniff(opening.path, opening.filename, opening.max_bytes)
    if kind == "text":
        return False
    if kind == "ole2":
        return True
    directory = check_directory(opening.path, opening.filename, opening.limits, TableError)
    if directory.unpacked_bytes > IN_PROCESS_UNPACKED_BYTES:
        return True  # the child runs the full scan too; here only the directory was read
    footprint = check_zip(opening.path, opening.filename, opening.limits, TableError)
    return footprint.read_bytes() > IN_PROCESS_READ_BYTES


def in_reading_child(
    produce: Callable[..., Iterable[T]], *args: Any, opening: Opening, name: str
) -> Iterator[T]:
    """produce(*args) in a child under the memory ceiling; running out of it is memory_limit."""
    items = in_child_process(produce, *args, name=name, memory_limit_mb=opening.memory_limit_mb)
    try:
        yield from items
    except OutOfMemory as exc:
        raise out_of_memory(opening.filename, opening.memory_limit_mb) from exc
    except MemoryError as exc:  # no ceiling set, but the child still ran out
        raise out_of_memory(opening.filename, opening.memory_limit_mb) from exc
    finally:
        items.close()  # type: ignore[attr-defined]  # stops a child still reading


def _rows_after(opening: Opening, sheet: str, after: int) -> Iterator[tuple[int, Cells]]:
    """The rows after row `after` of the chosen sheet, streamed from a new reading child."""
    chosen = Opening(
        opening.path,
        opening.filename,
        sheet,
        opening.max_bytes,
        opening.limits,
        opening.memory_limit_mb,
    )
    for batch in in_reading_child(_read_rows, chosen, after, opening=chosen, name="sheet reader"):
        yield from batch


# -- in the child ---------------------------------------------------------------------------------


def _open_ahead(opening: Opening) -> Iterator[Table]:
    """The opened table with its first rows read, without calamine's objects (they stay here)."""
    table = opening.open()
    ahead: list[tuple[int, Cells]] = []
    complete = True
    for item in table.rows():
        if len(ahead) >= AHEAD_ROWS:
            complete = False
            break
        ahead.append(item)
    table._sheet_obj, table.read_ahead, table.complete = None, ahead, complete
    yield table


def _read_rows(opening: Opening, after: int) -> Iterator[list[tuple[int, Cells]]]:
    """Rows after row `after`, a message's worth at a time."""
    batch: list[tuple[int, Cells]] = []
    for number, cells in opening.open().rows():
        if number <= after:
            continue
        batch.append((number, cells))
        if len(batch) >= ROWS_PER_MESSAGE:
            yield batch
            batch = []
    if batch:
        yield batch
