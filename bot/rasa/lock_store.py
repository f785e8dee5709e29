"""Rasa's conversation lock store, chosen by WIJKWIJZER_LOCK_STORE_URL: Redis or in memory.

endpoints.yml names this class (`lock_store: type: bot.rasa.lock_store.WijkwijzerLockStore`), since
Rasa only expands `${VAR}` in endpoints.yml and refuses unset ones, so an optional Redis URL
cannot be written there. Without the variable the store is Rasa's own in-memory lock store,
which is right for one Rasa server (`make run`). With it, all Rasa servers share one ticket
lock per conversation in Redis, so two messages of one resident are handled one after the
other even when a load balancer sends them to different servers.

Rasa's RedisLockStore reads a lock, changes it in Python and writes it back. Two servers that
issue a ticket for the same conversation at the same moment then both get the same ticket
and handle their messages at once, and a release can delete a lock that just got a new
ticket. Here every change is one Redis transaction (WATCH/MULTI), retried when another
server changed the lock in between.

When Redis cannot be reached, each server falls back to its own in-memory locks and tries
Redis again a few seconds later: residents keep getting answers, and only two messages of
the same resident arriving at two servers in the same instant are no longer ordered.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, InMemoryLockStore, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.settings import settings

logger = logging.getLogger(__name__)

ENV_LOCK_STORE_URL: Final = "WIJKWIJZER_LOCK_STORE_URL"
ENV_LOCK_KEY_PREFIX: Final = "WIJKWIJZER_LOCK_KEY_PREFIX"
DEFAULT_KEY_PREFIX: Final = "wijkwijzer"
# How often a waiting message looks whether its turn has come. Rasa polls once a second,
# which adds up to a second to every message that had to wait.
POLL_INTERVAL: Final = 0.05
# After Redis failed, this server uses its own locks for this long before trying again,
# so that a Redis outage does not cost every message a connection attempt.
RETRY_REDIS_AFTER: Final = 5.0
# Redis calls block Rasa's event loop: keep them short when Redis hangs instead of refusing.
REDIS_CONNECT_TIMEOUT: Final = 1.0
REDIS_TIMEOUT: Final = 2.0

T = TypeVar("T")


def lock_store_url() -> str:
    """The configured Redis URL, or "" for in-memory locks."""
    return settings().lock_store_url


class WijkwijzerLockStore(LockStore):
    """Ticket locks in Redis with atomic updates, or in this process without a Redis URL."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        url: str | None = None,
        key_prefix: str | None = None,
    ) -> None:
        # Rasa passes the endpoints.yml section; everything this store needs is in the env.
        del endpoint_config
        super().__init__()
        self.url = lock_store_url() if url is None else url
        prefix = key_prefix or settings().lock_key_prefix or DEFAULT_KEY_PREFIX
        self.key_prefix = f"{prefix}:lock:"
        self._local = InMemoryLockStore()
        self._redis: redis.Redis | None = None
        if self.url:
            self._redis = redis.Redis.from_url(
                self.url,
                socket_connect_timeout=REDIS_CONNECT_TIMEOUT,
                socket_timeout=REDIS_TIMEOUT,
            )
        self._redis_down_until = 0.0

    @property
    def uses_redis(self) -> bool:
        return self._redis is not None

    # -- Rasa's entry point ------------------------------------------------------------------

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock while the body runs; wait for earlier tickets first."""
        wait = min(wait_time_in_seconds, POLL_INTERVAL)
        shared = self._reachable_redis()
        if shared is not None:
            ticket: int | None = None
            try:
                ticket = self._issue(conversation_id, lock_lifetime)
                turn = await self._wait_for_turn(conversation_id, ticket, wait)
            except redis.RedisError as error:
                self._redis_failed(error)
                if ticket is not None:
                    self._release(conversation_id, ticket)  # best effort; it expires anyway
            else:
                try:
                    yield turn
                finally:
                    self._release(conversation_id, ticket)
                return
        async with self._local.lock(conversation_id, lock_lifetime, wait) as local_turn:
            yield local_turn

    # -- Redis, one transaction per change ---------------------------------------------------

    def _reachable_redis(self) -> redis.Redis | None:
        if self._redis is None or time.monotonic() < self._redis_down_until:
            return None
        return self._redis

    def _redis_failed(self, error: Exception) -> None:
        self._redis_down_until = time.monotonic() + RETRY_REDIS_AFTER
        logger.warning(
            "Redis lock store at %s not reachable (%s); this server uses its own locks "
            "and tries Redis again in %.0f s.",
            self._safe_url(),
            error,
            RETRY_REDIS_AFTER,
        )

    def _safe_url(self) -> str:
        """The URL without its password, for logs."""
        parts = urlsplit(self.url)
        return f"{parts.hostname}:{parts.port or 6379}"

    def _key(self, conversation_id: str) -> str:
        return self.key_prefix + conversation_id

    def _change(self, conversation_id: str, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the stored lock in one transaction; store or delete the result."""
        assert self._redis is not None
        key = self._key(conversation_id)
        with self._redis.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    lock = _parse(pipe.get(key), conversation_id) or TicketLock(conversation_id)
                    result = change(lock)
                    lock.remove_expired_tickets()
                    pipe.multi()
                    if lock.tickets:
                        # The key vanishes with its last ticket, also when a server was killed
                        # while holding it and never released it.
                        last_expiry = max(ticket.expires for ticket in lock.tickets)
                        ttl_ms = max(1, int((last_expiry - time.time()) * 1000)) + 1000
                        pipe.set(key, lock.dumps(), px=ttl_ms)
                    else:
                        pipe.delete(key)
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed this lock in between: read it again

    def _issue(self, conversation_id: str, lifetime: float) -> int:
        return self._change(conversation_id, lambda lock: lock.issue_ticket(lifetime))

    def _release(self, conversation_id: str, ticket: int) -> None:
        try:
            self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket))
        except redis.RedisError as error:
            # The answer is already given; the ticket expires by itself.
            logger.warning("Could not release lock ticket %s in Redis: %s", ticket, error)

    async def _wait_for_turn(self, conversation_id: str, ticket: int, wait: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is not None:
                lock.remove_expired_tickets()
            if lock is None or all(held.number != ticket for held in lock.tickets):
                # Our ticket expired while earlier messages took longer than its lifetime.
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait)

    # -- LockStore's storage interface (used by Rasa's base methods) -------------------------

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        if self._redis is None:
            return self._local.get_lock(conversation_id)
        return _parse(self._redis.get(self._key(conversation_id)), conversation_id)

    def delete_lock(self, conversation_id: str) -> None:
        if self._redis is None:
            self._local.delete_lock(conversation_id)
        else:
            self._redis.delete(self._key(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        if self._redis is None:
            self._local.save_lock(lock)
        else:
            self._change(lock.conversation_id, lambda stored: _replace(stored, lock))


def _parse(raw: Any, conversation_id: str) -> TicketLock | None:
    if not raw:
        return None
    lock = TicketLock.from_dict(json.loads(raw))
    lock.conversation_id = conversation_id
    return lock


def _replace(stored: TicketLock, new: TicketLock) -> None:
    stored.tickets = new.tickets
