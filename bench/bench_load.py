"""Load on loopback: 50 signed-in users with no think time, production server beside the dev server.

Starts each server on a copy of the demo database (127.0.0.1 only, DEBUG off), signs in a few
sessions, warms every URL once and runs the load --warm seconds uncounted, then runs --users threads for --seconds each, every thread
requesting the next page of a mix (home, registry list with filters, enterprise detail, atlas
chain, targets) as soon as the last one answered. Prints requests/s, p50/p95/p99 and errors for
the production server (`corridor serve --production` when that command exists, else gunicorn with
2*cores+1 workers, or --server-cmd) and for `corridor runserver`, in the same run.
Target: 0 errors, p95 < 1 s at 50 users on 2 cores.
The cpu ms column is the server's CPU time (all its processes) per answered request: the cost
that does not depend on what else the machine runs; note the load average beside it.
Run: .venv/bin/python bench/bench_load.py [--users 50] [--seconds 20] [--warm 5] [--port 8101]
     [--db var/corridor.sqlite3] [--workers N] [--server-cmd "gunicorn ... --bind {addr}"] [--no-dev]
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
PASSWORD = "corridor-demo"
MIX = [
    ("officer", "/"),
    ("officer", "/registry/"),
    ("officer", "/registry/?locality=all&size=medium"),
    ("officer", "/registry/?locality=all&q=科技"),
    ("officer", "/registry/?locality=all&page=300"),
    ("officer", "/registry/{ent}/"),
    ("analyst", "/atlas/nev/"),
    ("analyst", "/investment/targets/?chain=nev"),
    ("analyst", "/investment/targets/?node=nev.battery"),
]


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by a process and its descendants (Linux /proc; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, float] = {}
    for entry in Path("/proc").iterdir() if Path("/proc/self/stat").exists() else []:
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {root}, [root]
    while frontier:
        pid = frontier.pop()
        kids = [p for p, parent in parents.items() if parent == pid and p not in tree]
        tree.update(kids)
        frontier.extend(kids)
    return sum(used.get(pid, 0.0) for pid in tree)


def _sql(db: Path, query: str) -> str:
    """One row of a read on the bench's copy (sqlite3 module: no server running yet)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        return "|".join(str(v) for v in conn.execute(query).fetchone())


def production_command(addr: str, workers: int) -> list[str]:
    """`corridor serve --production` if this checkout has it, else gunicorn directly."""
    has_serve = any(ROOT.glob("src/corridor/*/management/commands/serve.py"))
    if has_serve:
        return [
            PY, "-m", "corridor", "serve", "--production", "--addr", addr,
            "--workers", str(workers), "--no-worker",
        ]  # fmt: skip
    return [
        PY, "-m", "gunicorn", "corridor.wsgi:application", "--bind", addr,
        "--workers", str(workers), "--access-logfile", "/dev/null",
        "--timeout", "120",
    ]  # fmt: skip


def start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """Start a server and wait until it answers (a minute at most)."""
    # The server's log goes to a file: a pipe nobody reads fills at 64 KiB and then blocks every
    # process that logs (a run stalled that way with all gunicorn workers waiting to write).
    log = tempfile.NamedTemporaryFile(prefix=f"corridor-load-{port}-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    proc.log_path = log.name  # type: ignore[attr-defined]
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            request("127.0.0.1", port, "GET", "/accounts/login/", {})
            return proc
        except OSError:
            if proc.poll() is not None:
                tail = Path(log.name).read_text(errors="replace")[-2000:]
                raise SystemExit(f"server exited: {tail}") from None
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not start")


def _report_server_log(path: Path, errors: int) -> None:
    """Print the tail of a server's log when its run had errors or it logged a traceback; delete it."""
    text = path.read_text(errors="replace")
    if errors or "Traceback" in text:
        print(f"  server log ({path.stat().st_size:,} bytes), last lines:\n{text[-1500:]}")
    path.unlink(missing_ok=True)


def request(
    host: str, port: int, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, dict[str, list[str]], bytes]:
    """One request on a fresh loopback connection: (status, headers by lower name, body).

    Cookies are sent by hand: production marks them Secure, and the bench talks plain HTTP to
    the server as a TLS proxy would (X-Forwarded-Proto: https, see CORRIDOR_BEHIND_TLS_PROXY).
    """
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request(method, path, body=body or None, headers={**headers, **PROXY_HEADERS})
        response = conn.getresponse()
        data = response.read()
        got: dict[str, list[str]] = {}
        for name, value in response.getheaders():
            got.setdefault(name.lower(), []).append(value)
        return response.status, got, data
    finally:
        conn.close()


PROXY_HEADERS = {"X-Forwarded-Proto": "https", "Host": "127.0.0.1"}


def _cookies(headers: dict[str, list[str]]) -> dict[str, str]:
    out = {}
    for line in headers.get("set-cookie", []):
        name, _, rest = line.partition("=")
        out[name.strip()] = rest.split(";", 1)[0]
    return out


def sign_in(port: int, username: str) -> str:
    """A Cookie header of a signed-in session."""
    status, headers, page = request("127.0.0.1", port, "GET", "/accounts/login/", {})
    jar = _cookies(headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.decode())
    body = urllib.parse.urlencode(
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
    ).encode()
    status, headers, _ = request(
        "127.0.0.1",
        port,
        "POST",
        "/accounts/login/",
        {
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": "https://127.0.0.1/accounts/login/",
            "Origin": "https://127.0.0.1",
        },
        body,
    )
    jar.update(_cookies(headers))
    if "sessionid" not in jar:
        raise SystemExit(f"could not sign in as {username} (status {status})")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def run_load(
    port: int, users: int, seconds: float, ent: int, warm: float, server: int
) -> dict[str, float]:
    """--users threads for --seconds, each requesting the next page of the mix at once, after
    --warm seconds of the same load whose figures are dropped (every worker process builds its
    memos on its first requests: the steady state is measured, the warm-up reported apart)."""
    sessions = {who: [sign_in(port, who) for _ in range(3)] for who in {w for w, _ in MIX}}
    urls = [(who, urllib.parse.quote(path.format(ent=ent), safe="/?=&")) for who, path in MIX]
    for who, url in urls:  # every page once (the first request builds the shared caches)
        request("127.0.0.1", port, "GET", url, {"Cookie": sessions[who][0]})
    if warm > 0:
        _load(port, users, warm, urls, sessions)
    cpu = tree_cpu(server)
    result = _load(port, users, seconds, urls, sessions)
    result["cpu_ms"] = (tree_cpu(server) - cpu) * 1000 / max(1, result["requests"])
    return result


def _load(
    port: int,
    users: int,
    seconds: float,
    urls: list[tuple[str, str]],
    sessions: dict[str, list[str]],
) -> dict[str, float]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def user(k: int) -> None:
        i = k
        while time.time() < stop:
            who, url = urls[i % len(urls)]
            i += 1
            start_at = time.perf_counter()
            try:
                status, _, _ = request(
                    "127.0.0.1", port, "GET", url, {"Cookie": sessions[who][k % 3]}
                )
                problem = "" if status == 200 else f"status {status}"
            except OSError as exc:
                problem = str(exc)
            took = time.perf_counter() - start_at
            with lock:
                latencies.append(took)
                if problem:
                    errors.append(f"{url}: {problem}")

    began = time.time()
    threads = [threading.Thread(target=user, args=(k,)) for k in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.time() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else float("nan")

    if errors:
        print(f"    first errors: {errors[:3]}")
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(ordered) if ordered else float("nan"),
        "p95": pct(0.95),
        "p99": pct(0.99),
        "errors": len(errors),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--warm", type=float, default=5, help="seconds of load not counted")
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--db", default=str(ROOT / "var" / "corridor.sqlite3"))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--server-cmd", default="", help="production command; {addr} is replaced")
    parser.add_argument("--no-dev", action="store_true", help="skip the development-server run")
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no database at {args.db}: cp /work/demo/var/corridor.sqlite3 var/ first")
        return 0
    work = Path(tempfile.mkdtemp(prefix="corridor-load-"))
    try:
        shutil.copy(args.db, work / "corridor.sqlite3")  # the bench never writes the given DB
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT / "src"),
            "CORRIDOR_DEBUG": "0",
            "CORRIDOR_VAR_DIR": str(work),
            "CORRIDOR_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # the bench stands in for the TLS proxy production expects (X-Forwarded-Proto)
            "CORRIDOR_BEHIND_TLS_PROXY": "1",
            "CORRIDOR_SECRET_KEY": os.environ.get("CORRIDOR_SECRET_KEY")
            or secrets.token_urlsafe(64),
        }
        env.pop("CORRIDOR_DATABASE_URL", None)
        # The copy is brought to this checkout's schema: a template built before a migration
        # made every page reading the new column a 500 (and tracebacks flooded the server's log).
        subprocess.run(
            [PY, "-m", "corridor", "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT
        )
        ent, total, local = (
            int(v or 0)
            for v in _sql(
                work / "corridor.sqlite3",
                "SELECT (SELECT id FROM registry_enterprise WHERE is_local ORDER BY id LIMIT 1), "
                "(SELECT COUNT(*) FROM registry_enterprise), "
                "(SELECT COUNT(*) FROM registry_enterprise WHERE is_local)",
            ).split("|")
        )
        addr = f"127.0.0.1:{args.port}"
        production = (
            shlex.split(args.server_cmd.format(addr=addr))
            if args.server_cmd
            else production_command(addr, args.workers)
        )
        label = " ".join(a for a in production[1:] if not a.startswith("/"))[:46]
        servers = [(f"production: {label}", production)]
        if not args.no_dev:
            servers.append(
                (
                    "development: corridor runserver",
                    [PY, "-m", "corridor", "runserver", addr, "--noreload"],
                )
            )
        print(
            f"{args.users} users, no think time, {args.seconds:.0f} s per server after {args.warm:.0f} s"
            " of warm-up, loopback; "
            f"mix of {len(MIX)} pages; registry copy {work / 'corridor.sqlite3'}; "
            f"{os.cpu_count()} cores; production workers {args.workers}"
        )
        print(f"registry: {total:,} enterprises ({local:,} local)")
        print(
            f"{'server':58} {'req':>6} {'req/s':>7} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7}"
            f" {'errors':>6} {'cpu ms':>7}  load avg before/after"
        )
        for title, cmd in servers:
            proc = start(cmd, env, args.port)
            before = os.getloadavg()[0]
            try:
                r = run_load(args.port, args.users, args.seconds, ent, args.warm, proc.pid)
            finally:
                proc.terminate()
                proc.wait(30)
            print(
                f"{title[:58]:58} {r['requests']:6d} {r['rps']:7.1f} {r['p50']:7.2f} {r['p95']:7.2f}"
                f" {r['p99']:7.2f} {r['errors']:6d} {r['cpu_ms']:7.0f}  {before:.1f}/{os.getloadavg()[0]:.1f}",
                flush=True,
            )
            _report_server_log(Path(proc.log_path), r["errors"])  # type: ignore[attr-defined]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
