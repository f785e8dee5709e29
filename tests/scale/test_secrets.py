"""Secrets only from the environment: nothing that looks like a real secret is tracked in git,
and endpoints.yml and credentials.yml take every secret from a `${VAR}`."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

PROJECT_ROOT = Path(__file__).parents[2]
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".gz", ".zip", ".woff", ".woff2"}

# Shapes of real credentials of the services a deployment may use.
PROVIDER_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "AWS access key": re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Meta access token": re.compile(r"\bEAA[A-Za-z0-9]{60,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[0-9a-zA-Z]{20,}"),
    "signed JWT": re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}"),
}
# NAME = "value" where the name says secret; tests may hold made-up ones, product code not.
ASSIGNED_SECRET = re.compile(
    r"(?i)\b[\w.]*(?:secret|token|password|passwd|api_?key)\w*\s*[:=]\s*['\"]?"
    r"([A-Za-z0-9+/_\-]{20,})"
)
SECRET_WORDS = ("secret", "token", "password", "passwd", "key", "username")


def tracked_files() -> list[Path]:
    if not shutil.which("git") or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, check=True, capture_output=True
    ).stdout.decode()
    return [
        PROJECT_ROOT / name
        for name in listing.split("\0")
        if name and Path(name).suffix.lower() not in BINARY_SUFFIXES
    ]


def entropy(value: str) -> float:
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_random(value: str) -> bool:
    return (
        entropy(value) >= 4.0
        and any(c.isdigit() for c in value)
        and any(c.isalpha() for c in value)
    )


def test_no_credentials_are_tracked() -> None:
    found = []
    for path in tracked_files():
        if not path.is_file():
            continue  # deleted in the work tree
        text = path.read_text(encoding="utf-8", errors="ignore")
        relative = path.relative_to(PROJECT_ROOT)
        for kind, pattern in PROVIDER_PATTERNS.items():
            if pattern.search(text):
                found.append(f"{relative}: {kind}")
        if relative.parts[0] != "tests":
            for match in ASSIGNED_SECRET.finditer(text):
                if looks_random(match.group(1)):
                    found.append(f"{relative}: secret-looking value {match.group(1)[:6]}…")
    assert found == []


def test_no_env_file_is_tracked() -> None:
    names = {path.name for path in tracked_files()}
    assert ".env" not in names


def test_env_example_leaves_every_secret_empty() -> None:
    filled = []
    for line in (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if line.startswith("#") or not sep:
            continue
        if any(word in name.lower() for word in ("secret", "token", "password")) and value:
            filled.append(name)
    assert filled == []


def leaves(node: Any, path: str = "") -> list[tuple[str, Any]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in leaves(value, f"{path}.{key}")]
    return [(path, node)]


@pytest.mark.parametrize("name", ["endpoints.yml", "credentials.yml"])
def test_rasa_files_take_secrets_from_the_environment(name: str) -> None:
    settings = yaml.safe_load((PROJECT_ROOT / name).read_text(encoding="utf-8")) or {}
    secret_leaves = [
        (path, value)
        for path, value in leaves(settings)
        if any(word in path.rsplit(".", 1)[-1].lower() for word in SECRET_WORDS)
    ]
    assert secret_leaves, f"{name} has no secret settings to check"
    for path, value in secret_leaves:
        assert re.fullmatch(r"\$\{[A-Z][A-Z0-9_]*\}", str(value)), f"{name}{path} = {value!r}"
