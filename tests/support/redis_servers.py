"""Redis for tests: the machine's server with a key prefix of our own, or a private server."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import redis

from tests.support.servers import Server, free_port

SHARED_REDIS_URL = "redis://127.0.0.1:6379/0"


def shared_redis_url() -> str:
    """The machine's Redis (started by .ci/run); the test is skipped when it is not running."""
    client = redis.Redis.from_url(SHARED_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis not reachable at {SHARED_REDIS_URL}: {error}")
    finally:
        client.close()
    return SHARED_REDIS_URL


def unique_prefix() -> str:
    """Alphanumeric, so that keys of other tests and programs on the shared Redis stay apart."""
    return f"test{uuid.uuid4().hex[:12]}"


def delete_keys(url: str, prefix: str) -> None:
    """Remove only this test's keys; the shared Redis holds other programs' data too."""
    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)
    finally:
        client.close()


class RedisServer:
    """A private redis-server on a free loopback port, which a test may stop and start."""

    def __init__(self, workdir: Path) -> None:
        if not shutil.which("redis-server"):
            pytest.skip("redis-server is not installed")
        port = free_port()
        self.url = f"redis://127.0.0.1:{port}/0"
        command = [
            "redis-server", "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--dir", str(workdir),
        ]  # fmt: skip
        self.server = Server(
            f"redis-{port}", command, port, workdir / f"redis-{port}.log", ready=self._pings
        )

    def _pings(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        self.server.start()

    def stop(self) -> None:
        self.server.stop()
