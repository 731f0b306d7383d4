"""Load test of ``newsbrief serve``: throughput and latency of POST /v1/brief.

Starts the server on 127.0.0.1 (a subprocess on a free port), sends a bounded
number of brief requests (each the same N-article cluster) with a fixed number
in flight, then stops the server and prints a table plus the exact command.
It only ever talks to 127.0.0.1 and stops by itself.

    python benchmarks/load.py                      # 2,000 briefs, concurrency 16
    python benchmarks/load.py --requests 200 --workers 2

Articles come from ``--data`` (a directory of .txt files; default: the repo's
``examples/``), or are synthetic when it has none.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # never anything else: this script must not load other machines


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def load_articles(data: Path, n_articles: int) -> list[str]:
    """``n_articles`` texts from ``data`` (sorted .txt files), or synthetic ones."""
    files = sorted(p for p in data.glob("*.txt") if not p.name.lower().startswith("readme"))
    texts = [p.read_text("utf-8") for p in files[:n_articles]]
    for index in range(len(texts), n_articles):
        # Synthetic filler: varied sentences about one invented event.
        sentences = [
            f"Officials in Testville said on Monday that {10 + index + k} homes had lost power "
            f"after the storm, and crews expected to restore supply within {k + 2} days."
            for k in range(12)
        ]
        texts.append(
            f"Storm cuts power in Testville (report {index + 1})\n\n" + "\n\n".join(sentences)
        )
    return texts


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def pipeline_alone(texts: list[str], words: int, n_briefs: int) -> float:
    """Briefs per second of the pipeline in this process, no server: the floor under latency."""
    from newsbrief import brief
    from newsbrief.ingest import article_from_text

    articles = [article_from_text(t) for t in texts]
    brief(articles, words=words)  # warm-up: imports, first-call costs
    started = time.perf_counter()
    for _ in range(n_briefs):
        brief(articles, words=words)
    return n_briefs / (time.perf_counter() - started)


def start_server(port: int, workers: int) -> subprocess.Popen[bytes]:
    """``newsbrief serve`` on 127.0.0.1:port, waiting until /healthz answers."""
    command = [
        sys.executable, "-m", "newsbrief.cli", "serve",
        "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with code {process.returncode}")
        try:
            if httpx.get(f"http://{HOST}:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit("server did not start within 60 s")


async def run_load(
    url: str, body: dict[str, object], n_requests: int, concurrency: int, timeout: float
) -> tuple[list[float], list[str], float]:
    """Send ``n_requests`` POSTs with ``concurrency`` in flight; latencies, errors, wall time."""
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(n_requests):
        queue.put_nowait(index)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=timeout, limits=limits) as client:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                started = time.perf_counter()
                try:
                    response = await client.post(url, json=body)
                    if response.status_code != 200:
                        errors.append(f"HTTP {response.status_code}: {response.text[:120]}")
                except httpx.HTTPError as problem:
                    errors.append(f"{type(problem).__name__}: {problem}")
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return latencies, errors, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "examples", help="directory of .txt")
    parser.add_argument("--articles", type=int, default=5, help="articles per request")
    parser.add_argument("--requests", type=int, default=2000, help="briefs to request")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight")
    parser.add_argument("--words", type=int, default=150, help="word budget per brief")
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first")
    parser.add_argument("--timeout", type=float, default=60.0, help="client timeout per request")
    parser.add_argument(
        "--baseline", type=int, default=30, help="briefs made in-process first, for comparison"
    )
    args = parser.parse_args(argv)

    texts = load_articles(args.data, args.articles)
    body: dict[str, object] = {"articles": [{"text": t} for t in texts], "words": args.words}
    port = free_port()
    url = f"http://{HOST}:{port}/v1/brief"
    load_before = os.getloadavg()
    alone = pipeline_alone(texts, args.words, args.baseline) if args.baseline else float("nan")
    server = start_server(port, args.workers)
    try:
        asyncio.run(run_load(url, body, args.warmup, min(args.concurrency, 4), args.timeout))
        latencies, errors, wall = asyncio.run(
            run_load(url, body, args.requests, args.concurrency, args.timeout)
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    load_after = os.getloadavg()

    n_chars = sum(len(t) for t in texts)
    print(
        f"\n## newsbrief serve: POST /v1/brief, {len(texts)} articles ({n_chars:,} chars) per request\n"
    )
    print(
        "| requests | concurrency | server workers | wall s | briefs/s | p50 ms | p90 ms | p99 ms | max ms | errors |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {len(latencies)} | {args.concurrency} | {args.workers} | {wall:.1f} "
        f"| {len(latencies) / wall:.1f} | {percentile(latencies, 50) * 1000:.0f} "
        f"| {percentile(latencies, 90) * 1000:.0f} | {percentile(latencies, 99) * 1000:.0f} "
        f"| {max(latencies) * 1000:.0f} | {len(errors)} |"
    )
    print(
        f"\npipeline alone (in-process, sequential, {args.baseline} briefs): {alone:.1f} briefs/s "
        f"= {1000 / alone:.0f} ms per brief"
    )
    print(
        f"machine: {os.cpu_count()} CPUs; load average (1 min) {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after"
    )
    for error in sorted(set(errors))[:5]:
        print(f"error: {error}")
    print(f"\ncommand: python {shlex.join(sys.argv)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
