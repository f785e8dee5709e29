"""The lock store of bot/rasa/lock_store.py: Redis shared by several servers, or in memory."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from bot.rasa import lock_store as lock_store_module
from bot.rasa.lock_store import WijkwijzerLockStore
from tests.support.redis_servers import RedisServer, delete_keys, shared_redis_url, unique_prefix


@pytest.fixture
def redis_prefix() -> Iterator[tuple[str, str]]:
    url, prefix = shared_redis_url(), unique_prefix()
    yield url, prefix
    delete_keys(url, prefix)


async def test_without_a_url_the_locks_are_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIJKWIJZER_LOCK_STORE_URL", raising=False)
    store = WijkwijzerLockStore()
    assert not store.uses_redis
    async with store.lock("inwoner"):
        assert store.get_lock("inwoner") is not None
    assert store.get_lock("inwoner") is None


async def test_the_url_and_prefix_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, redis_prefix: tuple[str, str]
) -> None:
    url, prefix = redis_prefix
    monkeypatch.setenv("WIJKWIJZER_LOCK_STORE_URL", url)
    monkeypatch.setenv("WIJKWIJZER_LOCK_KEY_PREFIX", prefix)
    store = WijkwijzerLockStore()
    assert store.uses_redis
    client = redis.Redis.from_url(url)
    async with store.lock("inwoner"):
        ttl = client.pttl(f"{prefix}:lock:inwoner")
        # The key expires on its own, so a killed server leaves nothing behind for long.
        assert 0 < ttl <= (lock_store_module.LOCK_LIFETIME + 1) * 1000
    assert client.exists(f"{prefix}:lock:inwoner") == 0
    client.close()


def test_two_servers_never_hold_one_conversation_at_once(redis_prefix: tuple[str, str]) -> None:
    """Four threads, each a 'server' with its own store and event loop, take turns on one
    conversation. Redis calls release the GIL, so reads and writes of the lock interleave as
    they would between processes; a non-atomic store lets two holders in at once."""
    url, prefix = redis_prefix
    counter = redis.Redis.from_url(url)
    holders_key, entered_key = f"{prefix}:holders", f"{prefix}:entered"
    overlaps: list[int] = []
    errors: list[BaseException] = []

    async def hold(store: WijkwijzerLockStore) -> None:
        async with store.lock("een-inwoner", lock_lifetime=60):
            now = counter.incr(holders_key)
            if now != 1:
                overlaps.append(now)
            counter.incr(entered_key)
            await asyncio.sleep(0.002)
            counter.decr(holders_key)

    def server() -> None:
        store = WijkwijzerLockStore(url=url, key_prefix=prefix)

        async def run() -> None:
            await asyncio.gather(*(hold(store) for _ in range(10)))

        try:
            asyncio.run(run())
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=server) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    assert overlaps == []
    assert int(counter.get(entered_key) or 0) == 40
    assert counter.exists(f"{prefix}:lock:een-inwoner") == 0
    counter.close()


async def test_a_dead_servers_ticket_expires(redis_prefix: tuple[str, str]) -> None:
    url, prefix = redis_prefix
    dead = WijkwijzerLockStore(url=url, key_prefix=prefix)
    dead._issue("inwoner", lifetime=1.5)  # taken, then the server died without releasing
    alive = WijkwijzerLockStore(url=url, key_prefix=prefix)
    started = time.monotonic()
    async with alive.lock("inwoner"):
        waited = time.monotonic() - started
    assert waited >= 1.0  # it waited for the dead ticket instead of running alongside it


async def test_when_redis_is_down_the_server_uses_its_own_locks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server = RedisServer(tmp_path)
    store = WijkwijzerLockStore(url=server.url, key_prefix=unique_prefix())
    caplog.set_level("WARNING", logger="bot.rasa.lock_store")
    async with store.lock("inwoner") as held:  # nothing listens on that port yet
        assert held.conversation_id == "inwoner"
    assert "not reachable" in caplog.text
    assert "tries Redis again" in caplog.text

    server.start()
    try:
        store._redis_down_until = 0.0  # the retry interval has passed
        client = redis.Redis.from_url(server.url)
        async with store.lock("inwoner"):
            assert client.exists(f"{store.key_prefix}inwoner") == 1
        client.close()
    finally:
        server.stop()
