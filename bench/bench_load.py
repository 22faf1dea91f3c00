"""Load on loopback: 50 signed-in users with no think time, production server beside the dev server.

Starts each server on a copy of the demo database (127.0.0.1 only, DEBUG off), signs in a few
sessions, warms every URL once, then runs --users threads for --seconds each, every thread
requesting the next page of a mix (home, registry list with filters, enterprise detail, atlas
chain, targets) as soon as the last one answered. Prints requests/s, p50/p95/p99 and errors for
the production server (`corridor serve --production` when that command exists, else gunicorn with
2*cores+1 workers, or --server-cmd) and for `corridor runserver`, in the same run.
Target: 0 errors, p95 < 1 s at 50 users on 2 cores.
Run: nice -n 10 .venv/bin/python bench/bench_load.py [--users 50] [--seconds 30] [--port 8101]
     [--db var/corridor.sqlite3] [--workers N] [--server-cmd "gunicorn ... --bind {addr}"] [--no-dev]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
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


def production_command(addr: str, workers: int) -> list[str]:
    """`corridor serve --production` if this checkout has it, else gunicorn directly."""
    has_serve = any(ROOT.glob("src/corridor/*/management/commands/serve.py"))
    if has_serve:
        return [PY, "-m", "corridor", "serve", "--production", "--addr", addr]
    return [
        PY, "-m", "gunicorn", "corridor.wsgi:application", "--bind", addr,
        "--workers", str(workers), "--access-logfile", "/dev/null",
        "--timeout", "120",
    ]  # fmt: skip


def start(cmd: list[str], env: dict[str, str], port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            return proc
        except Exception:
            if proc.poll() is not None:
                raise SystemExit(f"server exited: {proc.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not start")


def sign_in(base: str, username: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/accounts/login/", timeout=30).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    data = urllib.parse.urlencode(
        {
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        }
    ).encode()
    request = urllib.request.Request(
        f"{base}/accounts/login/", data=data, headers={"Referer": f"{base}/accounts/login/"}
    )
    opener.open(request, timeout=30).read()
    if not any(c.name == "sessionid" for c in jar):
        raise SystemExit(f"could not sign in as {username}")
    return opener


def run_load(base: str, users: int, seconds: float, ent: int) -> dict[str, float]:
    openers = {who: [sign_in(base, who) for _ in range(3)] for who in {w for w, _ in MIX}}
    urls = [(who, base + path.format(ent=ent)) for who, path in MIX]
    for who, url in urls:  # warm every page once (first requests build caches)
        openers[who][0].open(url, timeout=120).read()
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.time() + seconds

    def user(k: int) -> None:
        i = k
        while time.time() < stop:
            who, url = urls[i % len(urls)]
            i += 1
            opener = openers[who][k % 3]
            start_at = time.perf_counter()
            try:
                with opener.open(url, timeout=60) as response:
                    response.read()
                    ok = response.status == 200 and "/accounts/login" not in response.url
            except (urllib.error.URLError, OSError) as exc:
                ok, exc_text = False, str(exc)
            else:
                exc_text = "redirected to sign-in"
            took = time.perf_counter() - start_at
            with lock:
                latencies.append(took)
                if not ok:
                    errors.append(f"{url}: {exc_text}")

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
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--db", default=str(ROOT / "var" / "corridor.sqlite3"))
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--server-cmd", default="", help="production command; {addr} is replaced")
    parser.add_argument("--no-dev", action="store_true", help="skip the development-server run")
    args = parser.parse_args()
    if not Path(args.db).exists():
        print(f"no database at {args.db}: cp /work/demo/corridor.sqlite3 var/ first")
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
        }
        env.pop("CORRIDOR_DATABASE_URL", None)
        ent = int(
            subprocess.run(
                [
                    "sqlite3", str(work / "corridor.sqlite3"),
                    "SELECT id FROM registry_enterprise WHERE is_local ORDER BY id LIMIT 1",
                ],
                capture_output=True, text=True, check=True,
            ).stdout.strip() or 1
        )  # fmt: skip
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
            f"{args.users} users, no think time, {args.seconds:.0f} s per server, loopback; "
            f"mix of {len(MIX)} pages; registry copy {work / 'corridor.sqlite3'}; "
            f"{os.cpu_count()} cores; production workers {args.workers}"
        )
        print(
            f"{'server':58} {'req':>6} {'req/s':>7} {'p50 s':>7} {'p95 s':>7} {'p99 s':>7} {'errors':>6}"
        )
        for title, cmd in servers:
            proc = start(cmd, env, args.port)
            try:
                r = run_load(f"http://{addr}", args.users, args.seconds, ent)
            finally:
                proc.terminate()
                proc.wait(30)
            print(
                f"{title[:58]:58} {r['requests']:6d} {r['rps']:7.1f} {r['p50']:7.2f} {r['p95']:7.2f}"
                f" {r['p99']:7.2f} {r['errors']:6d}",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
