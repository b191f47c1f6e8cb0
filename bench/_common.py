"""Helpers shared by the benchmark scripts: paths, timed subprocesses, the stub, output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parent.parent
RUNS = ROOT / "runs" / "bench"
BIN = Path(sys.executable).parent  # the venv running the benchmark (make bench: .venv/bin)
PYTHON = sys.executable
SUMMARIZER = str(BIN / "summarizer")
SEED = ROOT / "seeds" / "00_tass_lavrov_de_mistura.txt"
NEWS = ROOT / "evals" / "news"

if str(ROOT) not in sys.path:  # `tests.stub_server` and the package from the checkout
    sys.path.insert(0, str(ROOT))


@dataclass
class Timed:
    """One finished child process: wall time from spawn to reaped, its own peak RSS."""

    argv: list[str]
    wall_s: float
    returncode: int
    maxrss_kb: int
    user_s: float
    sys_s: float
    stdout: str
    stderr: str

    @property
    def maxrss_gb(self) -> float:
        return self.maxrss_kb * 1024 / 1e9

    def check(self, what: str, ok: Sequence[int] = (0,)) -> "Timed":
        if self.returncode not in ok:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise SystemExit(f"{what} failed (exit {self.returncode}):\n{tail}")
        return self


def run_timed(argv: Sequence[str], *, env: dict[str, str] | None = None, cwd: Path = ROOT,
              stdin: str | None = None) -> Timed:
    """Run ``argv`` to completion; time it and read *its own* rusage with wait4.

    ``RUSAGE_CHILDREN`` would give the maximum over every child reaped so far,
    so each child is reaped with ``os.wait4`` instead. Output goes to temp
    files, so nothing (pipe reader threads) runs in this process meanwhile.
    """
    argv = [str(a) for a in argv]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin is not None:
            inp.write(stdin.encode())
            inp.seek(0)
        started = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=inp, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting
        out.seek(0)
        err.seek(0)
        return Timed(argv, wall, proc.returncode, usage.ru_maxrss, usage.ru_utime, usage.ru_stime,
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def _ppid(pid: str) -> int:
    try:
        stat = (Path("/proc") / pid / "stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return 0


def model_processes() -> list[str]:
    """Other processes that run the model or compete for the CPU (they would distort timings).

    This process, its ancestors and its descendants (the measured children) are not counted.
    """
    me = os.getpid()
    pids = [e.name for e in Path("/proc").iterdir() if e.name.isdigit()]
    parent = {int(p): _ppid(p) for p in pids}
    ancestors, pid = set(), me
    while pid > 1:
        ancestors.add(pid)
        pid = parent.get(pid) or _ppid(str(pid))

    def mine(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            if pid == me:
                return True
            pid, seen = parent.get(pid, 0), seen + 1
        return False

    found = []
    for name in pids:
        pid = int(name)
        if pid in ancestors or mine(pid):
            continue
        entry = Path("/proc") / name
        try:
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace").strip()
        except OSError:
            continue
        if not cmd or "grep" in cmd.split()[0]:
            continue
        if ("summarizer" in cmd and " eval" in cmd and "--replay" not in cmd) or "summarizer summarize" in cmd \
                or "llama_cpp" in cmd or "llama-server" in cmd or "bench_summarize" in cmd \
                or "pytest" in cmd:
            found.append(f"{name}: {' '.join(cmd.split())[:160]}")
    return found


def wait_until_idle(max_wait_s: float, poll_s: float = 60.0) -> tuple[list[str], float]:
    """Poll until no other model process runs or ``max_wait_s`` passes; returns (still running, waited)."""
    started = time.monotonic()
    busy = model_processes()
    while busy and time.monotonic() - started < max_wait_s:
        print(f"waiting: {len(busy)} other model/test process(es) running, e.g. {busy[0]}", flush=True)
        time.sleep(min(poll_s, max(1.0, max_wait_s - (time.monotonic() - started))))
        busy = model_processes()
    return busy, time.monotonic() - started


def wait_or_warn(max_wait_s: float) -> None:
    """`wait_until_idle`, then a warning if the measurement must share the CPU anyway."""
    busy, waited = wait_until_idle(max_wait_s)
    if busy:
        print(f"WARNING: measuring while another model process runs (waited {waited:.0f} s)", flush=True)


class Watcher:
    """Samples `model_processes()` every few seconds in the background while measuring."""

    def __init__(self, every_s: float = 5.0) -> None:
        import threading

        self.every_s = every_s
        self.seen: dict[str, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            for line in model_processes():
                self.seen.setdefault(line.split(":", 1)[0], line)
            if self._stop.wait(self.every_s):
                return

    def __enter__(self) -> "Watcher":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def others(self) -> list[str]:
        return list(self.seen.values())


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


def shown(path: Path) -> str:
    """``path`` relative to the checkout when it is inside it."""
    path = Path(path).resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def table(rows: list[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain fixed-width table."""
    cells = [[str(c) for c in header]] + [[("" if c is None else str(c)) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def verdict(value: float | None, target: float, *, below: bool = True) -> str:
    if value is None:
        return "n/a"
    ok = value <= target if below else value >= target
    return "ok" if ok else "MISSED"


def environment() -> dict[str, Any]:
    return {
        "python": sys.version.split()[0],
        "cpu_count": os.cpu_count(),
        "SUMMARIZER_THREADS": os.environ.get("SUMMARIZER_THREADS"),
        "SUMMARIZER_N_CTX": os.environ.get("SUMMARIZER_N_CTX"),
        "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


# -- an OpenAI-compatible stub ------------------------------------------------------------------

@dataclass
class Stub:
    """A running stub: where it listens and when requests arrived / were answered (monotonic)."""

    base_url: str
    kind: str
    arrivals: Any  # () -> list[float]
    finishes: list[float]
    stop: Any  # () -> None


def stub_server(answer, delay: float) -> Stub:
    """Start a stub answering every chat completion with ``answer(body)`` after ``delay`` s.

    Uses ``tests/stub_server.py`` (the test suite's stub) when it is there, else
    a minimal ThreadingHTTPServer on 127.0.0.1.
    """
    finishes: list[float] = []

    def timed_answer(body: dict[str, Any]) -> Any:
        content = answer(body)
        finishes.append(time.monotonic())  # list.append is atomic under the GIL
        return content

    try:
        from tests.stub_server import Reply, StubServer
    except ImportError:
        mini = _MiniStub(timed_answer, delay).start()
        return Stub(mini.base_url, "bench/_common.py minimal stub", lambda: list(mini.arrivals), finishes, mini.stop)
    server = StubServer(Reply(content=timed_answer, delay=delay)).start()
    return Stub(server.base_url, "tests/stub_server.py StubServer",
                lambda: [r.at for r in server.requests if r.method == "POST"], finishes, server.stop)


class _MiniStub:
    """Fallback stub: POST /v1/chat/completions only."""

    def __init__(self, answer, delay: float) -> None:
        self.answer, self.delay = answer, delay
        self.arrivals: list[float] = []
        self._httpd = None

    def start(self) -> "_MiniStub":
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                stub.arrivals.append(time.monotonic())
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                time.sleep(stub.delay)
                content = stub.answer(body)
                data = json.dumps({
                    "id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()),
                    "model": body.get("model", "stub"),
                    "choices": [{"index": 0, "finish_reason": "stop",
                                 "message": {"role": "assistant", "content": content if isinstance(content, str) else json.dumps(content)}}],
                    "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
                }).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 256

        self._httpd = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
