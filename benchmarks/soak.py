"""Soak: one `wijkwijzer serve`, many conversations of realistic length, for a long time.

Reports the errors (a non-200, an empty answer, a refused message; target 0), the latency of
each thousand messages, and the resident memory (RSS) of the Rasa server and the action
server sampled after each thousand. The memory target: after warm-up (the first thousand)
RSS grows by no more than 5 % to the end. `make bench-soak` runs the full size: 10,000
messages over 500 conversations (20 turns each).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import threading
import time
import urllib.error
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.rest_latency import ROOT, Bot, percentile, rss_mb, serve
from bot.ops.evaluation import send_message

TARGET_GROWTH = 0.05
QUESTIONS = (
    "Wie is de wijkagent?",
    "Mijn buren maken elke nacht herrie, wie kan helpen?",
    "Ik zoek iemand die helpt met schulden",
    "Wie is de buurtcoördinator?",
    "Waar kan ik terecht met vragen over jongeren in de buurt?",
    "Er staat al weken een kapotte fiets voor mijn deur",
    "Ik wil een straatfeest organiseren",
)
SMALL_TALK = ("hallo", "dank u wel", "ok", "nee", "ja", "wat kun je?", "doei")


def conversation(rng: random.Random, turns: int, places: list[str]) -> list[str]:
    """A resident's turns: greeting, questions, where they live, small talk, goodbye."""
    texts = ["hallo"]
    while len(texts) < turns - 1:
        texts.append(rng.choice(QUESTIONS))
        if rng.random() < 0.6:
            texts.append(rng.choice(places))
        if rng.random() < 0.4:
            texts.append(rng.choice(SMALL_TALK))
    return [*texts[: turns - 1], "bedankt, doei"]


@dataclass
class Soak:
    bot: Bot
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run_conversation(self, texts: list[str]) -> None:
        sender = f"soak-{uuid.uuid4().hex}"
        for text in texts:
            started = time.monotonic()
            try:
                messages = send_message(self.bot.url, sender, text, timeout=120)
                error = None if messages else f"empty answer to {text!r}"
            except (OSError, urllib.error.URLError, ValueError) as failure:
                error = f"{type(failure).__name__}: {failure}"
            with self.lock:
                self.latencies.append((time.monotonic() - started) * 1000)
                if error:
                    self.errors.append(error)


def memory(bot: Bot) -> tuple[float, float]:
    return (
        rss_mb(bot.rasa_pid) if bot.rasa_pid else 0.0,
        rss_mb(bot.actions_pid) if bot.actions_pid else 0.0,
    )


def run(bot: Bot, conversations: int, turns: int, workers: int, block: int) -> bool:
    with open(ROOT / "demo" / "adressen.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    places = [row["postcode"] for row in rows] + [
        f"{row['straat']} {row['huisnummer']}" for row in rows
    ]
    rng = random.Random(15)
    scripts = [conversation(rng, turns, places) for _ in range(conversations)]
    total = sum(len(script) for script in scripts)
    soak = Soak(bot)
    samples: list[tuple[int, float, float, float]] = []  # messages, p50, rasa MB, actions MB
    done = threading.Event()

    def sample() -> None:
        next_mark = block
        while True:
            finished = done.wait(0.2)
            with soak.lock:
                count = len(soak.latencies)
            while count >= next_mark:
                window = soak.latencies[next_mark - block : next_mark]
                samples.append((next_mark, percentile(window, 0.5), *memory(bot)))
                # As it goes, so a run stopped early still shows its figures.
                mark, p50, rasa, actions = samples[-1]
                print(f"{mark:>9} {p50:>8.0f} {percentile(window, 0.95):>8.0f} "
                      f"{rasa:>8.0f} {actions:>10.0f}", flush=True)  # fmt: skip
                next_mark += block
            if finished:
                return

    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} (1 min)")
    print(f"{total} messages in {conversations} conversations, {workers} at a time")
    print(f"memory before: Rasa {memory(bot)[0]:.0f} MB, actions {memory(bot)[1]:.0f} MB")
    print(f"{'messages':>9} {'p50 ms':>8} {'p95 ms':>8} {'Rasa MB':>8} {'actions MB':>10}")
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(soak.run_conversation, scripts))
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    print(f"errors: {len(soak.errors)} (target 0)")
    for error in soak.errors[:10]:
        print(f"  {error}")
    print(f"throughput: {total / elapsed:.1f} messages/s over {elapsed:.0f} s")
    ok = not soak.errors
    if len(samples) >= 2:
        for index, name in ((2, "Rasa"), (3, "actions")):
            warm, end = samples[0][index], samples[-1][index]
            growth = (end - warm) / warm if warm else 0.0
            verdict = "ok" if growth <= TARGET_GROWTH else "OVER TARGET"
            print(f"{name} RSS after warm-up {warm:.0f} MB, end {end:.0f} MB: {growth:+.1%} "
                  f"(target <= +{TARGET_GROWTH:.0%}) {verdict}")  # fmt: skip
            ok = ok and growth <= TARGET_GROWTH
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--conversations", type=int, default=500)
    parser.add_argument("--turns", type=int, default=20, help="messages per conversation")
    parser.add_argument("--workers", type=int, default=8, help="conversations at a time")
    parser.add_argument("--block", type=int, default=1000, help="messages per report line")
    parser.add_argument("--model", type=Path, default=ROOT / "models", help="model file or folder")
    parser.add_argument("--url", help="a running bot instead of a fresh one (no RSS figures)")
    args = parser.parse_args(argv)

    @contextmanager
    def running() -> Iterator[Bot]:
        if args.url:
            yield Bot(args.url.rstrip("/"), None, None)
        else:
            with serve(args.model) as bot:
                yield bot

    with running() as bot:
        ok = run(bot, args.conversations, args.turns, args.workers, args.block)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
