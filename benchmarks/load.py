"""Load: many residents talk at once to two Rasa servers and two action servers on loopback.

    python -m benchmarks.load                                  # 10, 50, 100, 150 residents
    python -m benchmarks.load --stages 100 --stage-seconds 120

The production shape of docs/deployment.md on one machine: two `wijkwijzer serve --rasa-only`
and two `wijkwijzer actions`, one fresh PostgreSQL database for the conversations and the
neighbourhood data (the demo municipality), Redis as the lock store. Each resident runs
conversations of three messages (a question, where they live, a second question) with a
think time between messages, and every message goes to the other Rasa server than the one
before, as a load balancer without sticky sessions would send it. Concurrency rises in
stages; each stage runs for a fixed time and then stops by itself.

Per stage it prints messages per second, latency p50/p95/p99, errors (HTTP errors and
timeouts), replies without the expected payload, and per process the CPU it used and its
memory, which shows what bounds the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import random
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy import create_engine, text

from benchmarks.national import fresh_postgres
from tests.support.servers import Server, actions, import_municipalities, running, serve

ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = ROOT / "demo"
REDIS_URL = os.environ.get("WIJKWIJZER_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- the processes --------------------------------------------------------------------------


def pids(server: Server) -> list[int]:
    """The process and its descendants (serve starts `rasa run` as a child)."""
    found, queue = [], [server.pid]
    while queue:
        pid = queue.pop()
        found.append(pid)
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            continue
        queue += [int(child) for child in children]
    return found


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total / CLOCK_TICKS


@contextmanager
def stack(database_url: str, model: Path, logdir: Path) -> Iterator[list[Server]]:
    """Two action servers and two Rasa-only servers on loopback; stopped afterwards."""
    env = dict(
        os.environ,
        WIJKWIJZER_DATABASE_URL=database_url,
        WIJKWIJZER_TRACKER_STORE_URL=database_url,
        WIJKWIJZER_LOCK_STORE_URL=REDIS_URL,
        # Its own keys in the shared Redis, so nothing of anyone else is touched.
        WIJKWIJZER_LOCK_KEY_PREFIX=f"benchload{uuid.uuid4().hex[:8]}",
    )
    import_municipalities(env, [DEMO_DIR])
    servers: list[Server] = []
    for number in (1, 2):
        action_server = actions(logdir, env, name=f"actions-{number}")
        rasa = serve(
            logdir, env, "--rasa-only", "--actions-url", f"{action_server.url}/webhook",
            "--model", str(model), name=f"rasa-{number}",
        )  # fmt: skip
        servers += [action_server, rasa]
    with running(*servers):
        yield servers


def postgres_pids(database_url: str) -> list[int]:
    """The PostgreSQL backends serving this database (its CPU use is part of the picture)."""
    engine = create_engine(database_url, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"
                )
            )
            return [int(row[0]) for row in rows]
    finally:
        engine.dispose()


# -- the residents ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    text: str
    expect: str  # the custom payload key the reply must carry


def scripts(rng: random.Random) -> list[Step]:
    """One conversation: a routed question, where the resident lives, a second question."""
    with open(DEMO_DIR / "adressen.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(DEMO_DIR / "buurten.csv", encoding="utf-8") as handle:
        buurten = [row["buurtnaam"] for row in csv.DictReader(handle)]
    row = rng.choice(rows)
    where = rng.choice(
        [
            row["postcode"],
            f"{row['straat']} {row['huisnummer']}",
            f"ik woon in de {rng.choice(buurten)}",
        ]
    )
    first = rng.choice(
        [
            "Wie is de wijkagent?",
            "Mijn buren maken elke nacht herrie, wie kan helpen?",
            "Ik wil een straatfeest organiseren, kan ik daar geld voor krijgen?",
            "Ik maak me zorgen over de veiligheid in mijn straat",
        ]
    )
    second = rng.choice(["Wie is de buurtcoördinator?", "En wie is de wijkagent hier?"])
    return [Step(first, "route"), Step(where, "contact_card"), Step(second, "contact_card")]


@dataclass
class Stage:
    residents: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    unexpected: int = 0
    conversations: int = 0


class Driver:
    def __init__(
        self, urls: list[str], think: tuple[float, float], timeout: float, seed: int
    ) -> None:
        self.urls = urls
        self.think = think
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.rng = random.Random(seed)
        self.turn = 0

    def next_url(self) -> str:
        self.turn += 1
        return self.urls[self.turn % len(self.urls)]

    async def resident(self, session: aiohttp.ClientSession, stage: Stage, deadline: float) -> None:
        # Residents do not all start in the same second.
        await asyncio.sleep(self.rng.uniform(0, self.think[1]))
        while time.monotonic() < deadline:
            sender = f"load-{uuid.uuid4().hex}"
            for step in scripts(self.rng):
                if time.monotonic() >= deadline:
                    return
                await self.send(session, stage, sender, step)
                await asyncio.sleep(self.rng.uniform(*self.think))
            stage.conversations += 1

    async def send(
        self, session: aiohttp.ClientSession, stage: Stage, sender: str, step: Step
    ) -> None:
        url = self.next_url() + "/webhooks/rest/webhook"
        started = time.perf_counter()
        try:
            async with session.post(
                url, json={"sender": sender, "message": step.text}, timeout=self.timeout
            ) as response:
                body = await response.json(content_type=None)
                status = response.status
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            stage.errors.append(type(error).__name__)
            return
        stage.latencies_ms.append((time.perf_counter() - started) * 1000)
        if status != 200 or not isinstance(body, list) or not body:
            stage.errors.append(f"HTTP {status}" if status != 200 else "empty reply")
            return
        if not any(step.expect in (message.get("custom") or {}) for message in body):
            stage.unexpected += 1

    async def run_stage(self, stage: Stage) -> None:
        deadline = time.monotonic() + stage.seconds
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(
                *(self.resident(session, stage, deadline) for _ in range(stage.residents))
            )


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--stages", default="10,50,100,150", help="residents per stage")
    parser.add_argument("--stage-seconds", type=float, default=60)
    parser.add_argument(
        "--think", default="3,8", help="seconds a resident waits between messages (min,max)"
    )
    parser.add_argument("--timeout", type=float, default=10, help="seconds per message")
    parser.add_argument("--model", type=Path, default=ROOT / "models")
    parser.add_argument("--logs", type=Path, default=None, help="keep server logs here")
    args = parser.parse_args(argv)
    think_min, think_max = (float(value) for value in args.think.split(","))
    logdir = args.logs or Path(f"/tmp/wijkwijzer-load-{uuid.uuid4().hex[:8]}")
    logdir.mkdir(parents=True, exist_ok=True)

    with fresh_postgres() as database_url, stack(database_url, args.model, logdir) as servers:
        rasa = [server for server in servers if server.name.startswith("rasa")]
        driver = Driver(
            [server.url for server in rasa],
            (think_min, think_max),
            args.timeout,
            seed=5,
        )
        print(
            f"machine: {os.cpu_count()} cores; two Rasa servers and two action servers, "
            f"PostgreSQL tracker store and data, Redis lock store; think time "
            f"{think_min:g}-{think_max:g} s; server logs in {logdir}"
        )
        # Warm-up: the first messages load lazy parts of each process.
        warm_up = Stage(residents=4, seconds=10)
        asyncio.run(driver.run_stage(warm_up))
        if len(warm_up.errors) == len(warm_up.latencies_ms):
            raise SystemExit(f"the bots do not answer ({set(warm_up.errors)}); see {logdir}")
        for residents in (int(value) for value in args.stages.split(",")):
            stage = Stage(residents=residents, seconds=args.stage_seconds)
            groups = {server.name: pids(server) for server in servers}
            groups["postgresql"] = postgres_pids(database_url)
            cpu_before = {name: cpu_seconds(pids) for name, pids in groups.items()}
            load_before = os.getloadavg()[0]
            started = time.monotonic()
            asyncio.run(driver.run_stage(stage))
            elapsed = time.monotonic() - started
            groups["postgresql"] = postgres_pids(database_url)
            count = len(stage.latencies_ms)
            print(
                f"\n{residents} residents, {elapsed:.0f} s: {count} messages "
                f"({count / elapsed:.1f}/s), {stage.conversations} conversations done; "
                f"p50 {percentile(stage.latencies_ms, 0.5):.0f} ms, "
                f"p95 {percentile(stage.latencies_ms, 0.95):.0f} ms, "
                f"p99 {percentile(stage.latencies_ms, 0.99):.0f} ms, "
                f"max {max(stage.latencies_ms, default=float('nan')):.0f} ms; "
                f"errors {len(stage.errors)}"
                + (f" ({', '.join(sorted(set(stage.errors)))})" if stage.errors else "")
                + f"; replies without the expected payload {stage.unexpected}; "
                f"load {load_before:.1f} -> {os.getloadavg()[0]:.1f}"
            )
            for name, pids in groups.items():
                used = cpu_seconds(pids) - cpu_before.get(name, 0.0)
                print(
                    f"  {name:<11} CPU {used:6.1f} s ({used / elapsed * 100:3.0f} % of a core)"
                    f"  RSS {rss_mb(pids):6.0f} MB"
                )
            if stage.latencies_ms:
                print(f"  mean latency {statistics.fmean(stage.latencies_ms):.0f} ms")


if __name__ == "__main__":
    main()
