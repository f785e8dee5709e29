"""`wijkwijzer eval`: send questions to a running bot; accuracy per route, confusion, latency."""

from __future__ import annotations

import json
import statistics
import time
import urllib.request
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.core.constants import PAYLOAD_CONTACT_CARD, PAYLOAD_EXPLAIN, PAYLOAD_ROUTE

NONE_LABEL = "-"


def send_message(base_url: str, sender: str, text: str, timeout: float = 30.0) -> list[dict]:
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        base_url.rstrip("/") + "/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        messages = json.loads(response.read() or b"[]")
    return messages if isinstance(messages, list) else []


def routed_roles(messages: list[dict]) -> list[str]:
    """Roles the bot pointed at, in order: route, contact card, explanation."""
    roles: list[str] = []
    for message in messages:
        custom = message.get("custom")
        if not isinstance(custom, dict):
            continue
        if PAYLOAD_ROUTE in custom:
            roles.append(custom[PAYLOAD_ROUTE].get("role"))
        if PAYLOAD_CONTACT_CARD in custom:
            roles.append(custom[PAYLOAD_CONTACT_CARD].get("role"))
        if PAYLOAD_EXPLAIN in custom:
            roles.extend(custom[PAYLOAD_EXPLAIN].get("roles") or [])
    return roles


def is_correct(case: dict[str, Any], roles: list[str]) -> bool:
    expect = case["expect"]
    if case.get("kind") == "explain":
        if expect == ["overzicht"]:
            return len(set(roles)) >= 5
        if case.get("all"):
            return all(role in roles for role in expect)
        return any(role in roles for role in expect)
    return bool(roles) and roles[0] in expect


@dataclass
class EvalReport:
    total: int = 0
    correct: int = 0
    per_route: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    confusion: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000

    def render(self) -> str:
        lines = ["Accuracy per route:"]
        for route in sorted(self.per_route):
            counts = self.per_route[route]
            n = counts["ok"] + counts["miss"]
            lines.append(f"  {route:<20} {counts['ok']:>3}/{n:<3} {counts['ok'] / n:.2f}")
        lines.append("")
        lines.append("Confusion (expected -> got: count), mistakes only:")
        for (expected, got), count in sorted(self.confusion.items()):
            if expected != got:
                lines.append(f"  {expected:<20} -> {got:<20} {count}")
        lines += ["", *self.misses, ""]
        median = statistics.median(self.latencies) * 1000 if self.latencies else float("nan")
        lines.append(
            f"Latency: p50 {median:.0f} ms, p95 {self.percentile(0.95):.0f} ms "
            f"over {len(self.latencies)} messages"
        )
        lines.append(f"Accuracy: {self.correct}/{self.total} = {self.accuracy:.3f}")
        return "\n".join(lines)


def evaluate_file(path: Path, base_url: str) -> EvalReport:
    cases = yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]
    report = EvalReport()
    for case in cases:
        started = time.perf_counter()
        messages = send_message(base_url, f"eval-{uuid.uuid4().hex}", case["text"])
        report.latencies.append(time.perf_counter() - started)
        roles = routed_roles(messages)
        expected = case["expect"][0] if case.get("kind") != "explain" else "explain"
        got = roles[0] if roles else NONE_LABEL
        ok = is_correct(case, roles)
        report.total += 1
        report.correct += ok
        report.per_route[expected]["ok" if ok else "miss"] += 1
        report.confusion[(expected, expected if ok else got)] += 1
        if not ok:
            report.misses.append(f"MISS {case['text']!r}: expected {case['expect']}, got {roles}")
    return report
