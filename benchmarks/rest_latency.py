"""REST round-trip latency per message with a contact lookup, against a freshly started bot."""

from __future__ import annotations

import argparse
import csv
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from bot.evaluation import send_message

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    except OSError:
        pass
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 180) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"wijkwijzer serve stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit("the bot did not start in time")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--model", type=Path, default=ROOT / "models", help="model file or folder")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="wijkwijzer-bench-"))
    env = dict(
        os.environ,
        WIJKWIJZER_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        WIJKWIJZER_TRACKER_STORE_URL=f"sqlite:///{workdir / 'trackers.db'}",
    )
    wijkwijzer = str(Path(sys.executable).with_name("wijkwijzer"))
    subprocess.run(
        [wijkwijzer, "import", str(ROOT / "demo")], env=env, check=True, stdout=subprocess.DEVNULL
    )
    port, actions_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            wijkwijzer,
            "serve",
            "--port",
            str(port),
            "--actions-port",
            str(actions_port),
            "--model",
            str(args.model),
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        startup = wait_ready(base + "/", process)
        with open(ROOT / "demo" / "adressen.csv", encoding="utf-8") as handle:
            postcodes = sorted({row["postcode"] for row in csv.DictReader(handle)})
        rng = random.Random(7)
        questions = [
            "Wie is de wijkagent voor {pc}?",
            "Ik zoek de opbouwwerker, mijn postcode is {pc}",
            "wie is de buurtcoördinator bij {pc}",
        ]
        for _ in range(10):  # warm-up: first calls load lazily
            send_message(base, "warmup", questions[0].format(pc=postcodes[0]))
        latencies = []
        for index in range(args.messages):
            text = rng.choice(questions).format(pc=rng.choice(postcodes))
            started = time.perf_counter()
            messages = send_message(base, f"bench-{uuid.uuid4().hex[:8]}-{index}", text)
            latencies.append((time.perf_counter() - started) * 1000)
            if not any("contact_card" in (m.get("custom") or {}) for m in messages):
                print(f"warning: no contact card for {text!r}")
        print(f"machine: {os.cpu_count()} cores, {socket.gethostname()}")
        print(f"startup: {startup:.1f} s until GET / answered 200")
        print(f"messages: {len(latencies)} (one contact lookup each, one new conversation each)")
        print(f"REST latency p50: {statistics.median(latencies):.1f} ms")
        print(f"REST latency p95: {percentile(latencies, 0.95):.1f} ms")
        print(f"REST latency max: {max(latencies):.1f} ms")
        print(f"memory (serve and its children): {rss_mb(process.pid):.0f} MB RSS")
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
