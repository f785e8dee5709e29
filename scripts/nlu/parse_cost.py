"""What one NLU parse costs with a trained model: milliseconds per message and process memory.

    PYTHONPATH=$PWD .venv/bin/python scripts/nlu/parse_cost.py models/<model>.tar.gz

Loads the model in this process (as `rasa run` does), parses the public dev questions'
texts (../shared/eval/dev_questions.yml) a few rounds, one message at a time, and prints
p50/p95/mean milliseconds per parse and the resident memory after loading and at the end.
Run one at a time on a quiet machine; the load average is printed with the numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parents[2]
DEV_QUESTIONS = PROJECT.parent.parent / "shared" / "eval" / "dev_questions.yml"


def rss_mb() -> float:
    """The current resident set size, from /proc (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(model: Path, texts: list[str], rounds: int) -> None:
    from rasa.core.agent import Agent

    started = time.perf_counter()
    agent = Agent.load(str(model))
    loaded = time.perf_counter() - started
    await agent.parse_message("hallo")  # the first parse loads what is loaded lazily
    after_load = rss_mb()
    timings = []
    for _ in range(rounds):
        for text in texts:
            start = time.perf_counter()
            await agent.parse_message(text)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"model: {model.name}")
    print(f"load: {loaded:.1f} s; RSS after load and one parse: {after_load:.0f} MB")
    print(
        f"parse over {len(timings)} messages: p50 {statistics.median(timings):.1f} ms,"
        f" p95 {p95:.1f} ms, mean {statistics.fmean(timings):.1f} ms"
    )
    print(f"RSS at the end: {rss_mb():.0f} MB; peak {peak_rss_mb():.0f} MB")
    print(f"load average: {' '.join(f'{value:.2f}' for value in os.getloadavg())}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", type=Path)
    parser.add_argument("--questions", type=Path, default=DEV_QUESTIONS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    cases = yaml.safe_load(args.questions.read_text(encoding="utf-8"))["cases"]
    asyncio.run(measure(args.model, [case["text"] for case in cases], args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
