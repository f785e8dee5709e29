"""REST latency and Rasa CPU per kind of message, and per turn of one long conversation.

From one run on one `wijkwijzer serve`: p50/p95 of a greeting, a bare location, a routed
question without a location, a routed question with its location and an explanation, each
one's ratio to the greeting, and the CPU time the Rasa server and the action server spent
per message of that kind (from /proc, before and after the batch). Then one conversation
of many turns: latency at its first turns against its last ones (issue 11's targets).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.ops.evaluation import send_message
from tests.support import servers
from tests.support.servers import import_municipalities

ROOT = Path(__file__).resolve().parents[1]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Issue 11's targets, printed beside the figures.
TARGET_RATIO = 2.0
TARGET_P95_MS = 60.0
TARGET_CPU_MS = 40.0


@dataclass(frozen=True)
class Kind:
    name: str
    texts: tuple[str, ...]
    # The payload key every answer of this kind carries (None: plain text).
    expects: str | None


def kinds(postcodes: list[str], buurten: list[str]) -> list[Kind]:
    """The kinds of message of issue 11, each with texts that answer the same way."""
    with_postcode = (
        "Wie is de wijkagent voor {pc}?",
        "Ik zoek de opbouwwerker, mijn postcode is {pc}",
        "wie is de buurtcoördinator bij {pc}",
    )
    with_location = [question.format(pc=pc) for question in with_postcode for pc in postcodes]
    with_location += [f"wie is de wijkagent in de {buurt}" for buurt in buurten]
    return [
        Kind("greeting", ("hallo", "goedemiddag", "hoi"), None),
        Kind("bare location", tuple(postcodes), "location"),
        Kind(
            "routed, no location",
            (
                "Er wordt gedeald in mijn portiek",
                "Mijn buurman maakt elke nacht lawaai",
                "Ik wil mijn buren beter leren kennen",
            ),
            "route",
        ),
        Kind(
            "routed + location",
            tuple(with_location),
            "contact_card",
        ),
        Kind("explain", ("Wat doet een wijkagent?", "wat doet de opbouwwerker"), "explain"),
    ]


# One round of the long conversation, repeated: a question, a place, a follow-up question,
# an explanation, thanks. From the second round on every round does the same work, so its
# latency may only grow with the conversation's length.
CONVERSATION = (
    "Er wordt gedeald in mijn portiek",
    "{pc}",
    "en wie is de opbouwwerker?",
    "Wat doet een wijkagent?",
    "bedankt",
)


def descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        each = queue.pop()
        found.append(each)
        try:
            children = Path(f"/proc/{each}/task/{each}/children").read_text().split()
        except OSError:
            continue
        queue += [int(child) for child in children]
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_ms(pid: int | None) -> float:
    """User and system CPU time of a process (all its threads) so far."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


@dataclass
class Bot:
    url: str
    rasa_pid: int | None
    actions_pid: int | None
    startup_s: float | None = None


@contextmanager
def serve(model: Path) -> Iterator[Bot]:
    """A fresh `wijkwijzer serve` on the demo municipality, in a temporary folder."""
    workdir = Path(tempfile.mkdtemp(prefix="wijkwijzer-bench-"))
    env = dict(
        os.environ,
        WIJKWIJZER_DATABASE_URL=f"sqlite:///{workdir / 'bench.db'}",
        WIJKWIJZER_TRACKER_STORE_URL=f"sqlite:///{workdir / 'trackers.db'}",
    )
    import_municipalities(env, [ROOT / "demo"])
    server = servers.serve(workdir, env, "--model", str(model))
    started = time.monotonic()
    with servers.running(server):
        startup = time.monotonic() - started
        children = descendants(server.pid)
        yield Bot(
            server.url,
            next((pid for pid in children if "bot.rasa.server" in command_line(pid)), None),
            next((pid for pid in children if "actions.server" in command_line(pid)), None),
            startup,
        )


@dataclass
class Figures:
    kind: str
    latencies: list[float]
    rasa_cpu_ms: float
    actions_cpu_ms: float

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        return percentile(self.latencies, 0.95)


def answered(bot: Bot, kind: Kind) -> Kind:
    """The kind with only the texts whose answer carries its payload; names the others."""
    kept = []
    for text in kind.texts:
        messages = send_message(bot.url, f"warmup-{uuid.uuid4().hex}", text)
        if kind.expects is None or any(kind.expects in (m.get("custom") or {}) for m in messages):
            kept.append(text)
    if len(kept) < len(kind.texts):
        left_out = sorted(set(kind.texts) - set(kept))
        print(f"{kind.name}: left out, answered otherwise by this model: {left_out}")
    if not kept:
        raise SystemExit(f"no text of kind {kind.name!r} is answered with {kind.expects!r}")
    return Kind(kind.name, tuple(kept), kind.expects)


def measure_kind(bot: Bot, kind: Kind, runs: int, rng: random.Random) -> Figures:
    """`runs` messages of one kind, each the first of a new conversation."""
    latencies = []
    rasa_before, actions_before = cpu_ms(bot.rasa_pid), cpu_ms(bot.actions_pid)
    for index in range(runs):
        text = rng.choice(kind.texts)
        started = time.perf_counter()
        messages = send_message(bot.url, f"bench-{uuid.uuid4().hex}-{index}", text)
        latencies.append((time.perf_counter() - started) * 1000)
        if kind.expects and not any(kind.expects in (m.get("custom") or {}) for m in messages):
            print(f"warning: no {kind.expects} payload for {text!r}")
    return Figures(
        kind.name,
        latencies,
        (cpu_ms(bot.rasa_pid) - rasa_before) / runs,
        (cpu_ms(bot.actions_pid) - actions_before) / runs,
    )


def measure_conversation(bot: Bot, rounds: int, postcode: str) -> list[Figures]:
    """One conversation of `rounds` rounds of CONVERSATION: latency and Rasa CPU per round."""
    sender = f"bench-long-{uuid.uuid4().hex}"
    figures = []
    for number in range(1, rounds + 1):
        latencies = []
        rasa_before = cpu_ms(bot.rasa_pid)
        for text in CONVERSATION:
            started = time.perf_counter()
            send_message(bot.url, sender, text.format(pc=postcode))
            latencies.append((time.perf_counter() - started) * 1000)
        rasa_cpu = (cpu_ms(bot.rasa_pid) - rasa_before) / len(CONVERSATION)
        figures.append(Figures(f"round {number}", latencies, rasa_cpu, 0.0))
    return figures


def report(figures: list[Figures], bot: Bot) -> None:
    greeting = figures[0].p50
    print(f"{'message':<22}{'p50 ms':>8}{'p95 ms':>8}{'x greeting':>12}{'Rasa CPU ms':>13}", end="")
    print(f"{'actions CPU ms':>16}")
    for each in figures:
        print(
            f"{each.kind:<22}{each.p50:>8.1f}{each.p95:>8.1f}{each.p50 / greeting:>12.2f}"
            f"{each.rasa_cpu_ms:>13.1f}{each.actions_cpu_ms:>16.1f}"
        )
    routed = next(each for each in figures if each.kind == "routed + location")
    print(
        f"targets: routed + location {routed.p50 / greeting:.2f}x greeting "
        f"(<= {TARGET_RATIO:g}x), p95 {max(each.p95 for each in figures):.1f} ms at most "
        f"(<= {TARGET_P95_MS:g} ms quiet), Rasa CPU per routed message "
        f"{routed.rasa_cpu_ms:.1f} ms (<= {TARGET_CPU_MS:g} ms)"
    )
    if bot.rasa_pid is not None:
        print(f"memory: Rasa server {rss_mb(bot.rasa_pid):.0f} MB RSS", end="")
        print(f", action server {rss_mb(bot.actions_pid or 0):.0f} MB RSS")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=40, help="messages of each kind")
    parser.add_argument("--turns", type=int, default=50, help="turns of the long conversation")
    parser.add_argument("--model", type=Path, default=ROOT / "models", help="model file or folder")
    parser.add_argument("--url", help="a running bot instead of a fresh one (for py-spy)")
    parser.add_argument("--rasa-pid", type=int, help="with --url: the Rasa server's pid, for CPU")
    parser.add_argument("--actions-pid", type=int, help="with --url: the action server's pid")
    args = parser.parse_args()

    with open(ROOT / "demo" / "adressen.csv", encoding="utf-8") as handle:
        postcodes = sorted({row["postcode"] for row in csv.DictReader(handle)})
    with open(ROOT / "demo" / "buurten.csv", encoding="utf-8") as handle:
        buurten = sorted({row["buurtnaam"] for row in csv.DictReader(handle)})
    rng = random.Random(7)

    @contextmanager
    def running() -> Iterator[Bot]:
        if args.url:
            yield Bot(args.url.rstrip("/"), args.rasa_pid, args.actions_pid)
        else:
            with serve(args.model) as bot:
                yield bot

    with running() as bot:
        # Warm-up (first calls load lazily), and only texts this model answers as their kind.
        all_kinds = [answered(bot, kind) for kind in kinds(postcodes[:20], buurten)]
        figures = [measure_kind(bot, kind, args.runs, rng) for kind in all_kinds]
        rounds = max(2, args.turns // len(CONVERSATION))
        conversation = measure_conversation(bot, rounds, postcodes[0])

        print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} (1 min)")
        if bot.startup_s is not None:
            print(f"startup: {bot.startup_s:.1f} s until GET / answered 200")
        print(f"{args.runs} messages of each kind, each in a new conversation")
        report(figures, bot)
        second, last = conversation[1], conversation[-1]
        size = len(CONVERSATION)
        print(
            f"one conversation of {rounds * size} turns, {size} per round: round 2 (turns "
            f"{size + 1}-{2 * size}) p50 {second.p50:.1f} ms, Rasa CPU {second.rasa_cpu_ms:.1f} "
            f"ms per message; round {rounds} (turns {(rounds - 1) * size + 1}-{rounds * size}) "
            f"p50 {last.p50:.1f} ms, Rasa CPU {last.rasa_cpu_ms:.1f} ms per message"
        )


if __name__ == "__main__":
    main()
