"""Bulk import on PostgreSQL against a bare COPY of the same rows into the same tables.

N enterprises (one yearly facts row each) from a registry-style CSV are imported by
`corridor import` into a fresh database made for the run (dropped and created, never another
database on the server). The rows the import stored are then read back with COPY TO, the tables
emptied (TRUNCATE: fresh files, the same indexes and constraints) and the very same rows loaded by a
bare COPY FROM in one transaction, as fast as the server takes them. Prints rows/s of each, their
ratio (target ≥ 0.5), and the problem size. With --repeat N both are measured N times, interleaved,
and the medians are compared.
The import is timed as a user sees it: the whole command (start-up, reading the file in a child
process, writing, commit); the bare COPY is the server's work alone (its data already in memory).
Run: .venv/bin/python bench/bench_import_pg.py [--rows 200000] [--repeat 1]
     [--server postgres://postgres@127.0.0.1:5432] [--database corridor_bench]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_import import _env, write_csv  # noqa: E402

TABLES = ("registry_enterprise", "registry_enterpriseyearfacts", "registry_enterprisetag")


def _admin(server: str) -> psycopg.Connection:
    return psycopg.connect(f"{server}/postgres", autocommit=True)


def fresh_database(server: str, name: str) -> None:
    """Drop and create the bench's own database, then migrate it."""
    with _admin(server) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(server: str, name: str) -> None:
    with _admin(server) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def corridor(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "corridor", *args], env=env, check=True, stdout=subprocess.DEVNULL
    )


def timed_import(csv_path: Path, env: dict[str, str]) -> float:
    """Seconds of `corridor import` of the file (the import alone, no atlas follow-up)."""
    start = time.perf_counter()
    corridor(
        env,
        "import",
        str(csv_path),
        "--verbosity",
        "0",
        "--show-issues",
        "0",
        "--no-follow-up",
    )
    return time.perf_counter() - start


def stored_rows(url: str) -> dict[str, tuple[list[str], bytes, int]]:
    """Each table's columns, its rows as COPY text, and their count, exactly as the import stored them."""
    out = {}
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for table in TABLES:
            cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
                "ORDER BY ordinal_position",
                [table],
            )
            columns = [r[0] for r in cur.fetchall()]
            data = io.BytesIO()
            query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY id) TO STDOUT").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.Identifier(table)
            )
            with cur.copy(query) as copy:
                for block in copy:
                    data.write(block)
            cur.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            count = cur.fetchone()[0]  # type: ignore[index]
            out[table] = (columns, data.getvalue(), count)
    return out


def bare_copy(url: str, rows: dict[str, tuple[list[str], bytes, int]]) -> float:
    """Empty the tables, then seconds to COPY the same rows back in one transaction (with commit)."""
    with psycopg.connect(url) as conn:
        conn.execute("TRUNCATE registry_enterprise CASCADE")
        conn.commit()
        conn.execute("CHECKPOINT")  # the import's writes are not flushed on the COPY's time
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cur:
            for table in TABLES:
                columns, data, _count = rows[table]
                query = sql.SQL("COPY {} ({}) FROM STDIN").format(
                    sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
                )
                with cur.copy(query) as copy:
                    view = memoryview(data)
                    for offset in range(0, len(view), 1 << 20):
                        copy.write(view[offset : offset + (1 << 20)])
        conn.commit()
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="corridor_bench")
    args = parser.parse_args()
    if args.database in ("test", "postgres") or args.database.startswith("test_"):
        parser.error("the bench drops its database: give it one of its own")
    url = f"{args.server}/{args.database}"
    with tempfile.TemporaryDirectory(prefix="corridor-bench-pg-") as tmp:
        tmp_path = Path(tmp)
        csv_path = tmp_path / "rows.csv"
        write_csv(csv_path, args.rows)
        file_mb = round(csv_path.stat().st_size / 2**20, 1)
        env = {**_env(tmp_path / "var"), "CORRIDOR_DATABASE_URL": url}
        imports, copies, written = [], [], 0
        try:
            for _run in range(args.repeat):
                fresh_database(args.server, args.database)
                corridor(env, "migrate", "--verbosity", "0")
                with psycopg.connect(url, autocommit=True) as conn:
                    conn.execute("CHECKPOINT")  # migrations flushed before the clock starts
                imports.append(timed_import(csv_path, env))
                rows = stored_rows(url)
                written = rows["registry_enterprise"][2]
                if written != args.rows:
                    raise SystemExit(f"the import stored {written} enterprises, not {args.rows}")
                copies.append(bare_copy(url, rows))
        finally:
            drop_database(args.server, args.database)
    import_rate = args.rows / statistics.median(imports)
    copy_rate = args.rows / statistics.median(copies)
    facts = rows["registry_enterpriseyearfacts"][2]
    print(
        json.dumps(
            {
                "benchmark": "import on PostgreSQL (corridor import vs bare COPY)",
                "rows": args.rows,
                "facts_rows": facts,
                "file_mb": file_mb,
                "import_rows_per_s": round(import_rate),
                "import_seconds_each_run": [round(s, 2) for s in imports],
                "copy_rows_per_s": round(copy_rate),
                "copy_seconds_each_run": [round(s, 2) for s in copies],
                "ratio": round(import_rate / copy_rate, 2),
                "target": "ratio ≥ 0.5",
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
