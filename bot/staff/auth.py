"""Staff sign-in security: scrypt password hashes, signed session cookies, CSRF, rate limits."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Final

from bot.settings import settings

ENV_STAFF_SECRET: Final = "WIJKWIJZER_STAFF_SECRET"
MIN_SECRET_LENGTH: Final = 32

# scrypt with n=2**15, r=8 takes about 32 MiB and a tenth of a second per try (OWASP's
# minimum is n=2**17 with r=8 and p=1 at 128 MiB; this is below what many hosts allow).
SCRYPT_N: Final = 2**15
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
SALT_BYTES: Final = 16
KEY_BYTES: Final = 32
MIN_PASSWORD_LENGTH: Final = 12


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * n * r + 1024 * 1024,
        dklen=KEY_BYTES,
    )


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """`scrypt$n$r$p$salt$key`: the parameters travel with the hash, so they can be raised."""
    salt = secrets.token_bytes(SALT_BYTES)
    key = _scrypt(password, salt, n, r, p)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, stored: str) -> bool:
    """True when `password` matches a hash of hash_password(); False for anything malformed."""
    try:
        scheme, n, r, p, salt, key = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = _unb64(key)
        actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# A hash of nothing, checked when an account does not exist, so both cases take as long.
_DUMMY_HASH: str | None = None


def burn_time_like_a_check(password: str) -> None:
    """Spend the time of one password check, so unknown accounts cannot be told by timing."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(16))
    verify_password(password, _DUMMY_HASH)


def password_problem(password: str) -> str | None:
    """A Dutch reason why a new password is not good enough, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn."
    if password.strip() != password:
        return "Het wachtwoord mag niet beginnen of eindigen met een spatie."
    return None


def staff_secret() -> bytes:
    """The signing key from WIJKWIJZER_STAFF_SECRET; a random one (sessions end at a restart)."""
    configured = settings().staff_secret
    if configured and len(configured) < MIN_SECRET_LENGTH:
        raise ValueError(f"{ENV_STAFF_SECRET} moet minstens {MIN_SECRET_LENGTH} tekens hebben")
    return configured.encode("utf-8") if configured else secrets.token_bytes(32)


@dataclass(frozen=True)
class StaffSession:
    """What the session cookie holds: a random id (for CSRF), the user once signed in, expiry."""

    sid: str
    user: str | None
    expires: int

    @property
    def signed_in(self) -> bool:
        return self.user is not None


class SessionSigner:
    """Signs and checks session cookies (HMAC-SHA256) and derives CSRF tokens from them."""

    def __init__(self, secret: bytes, max_age: int = 8 * 3600) -> None:
        self._secret = secret
        self.max_age = max_age

    def new(self, user: str | None = None, now: float | None = None) -> StaffSession:
        now = time.time() if now is None else now
        return StaffSession(secrets.token_urlsafe(18), user, int(now) + self.max_age)

    def dump(self, session: StaffSession) -> str:
        body = _b64(
            json.dumps({"s": session.sid, "u": session.user, "e": session.expires}).encode()
        )
        return f"{body}.{self._sign(b'session|' + body.encode())}"

    def load(self, cookie: str | None, now: float | None = None) -> StaffSession | None:
        """The session in a cookie; None when it is missing, forged, malformed or expired."""
        if not cookie or "." not in cookie:
            return None
        body, signature = cookie.rsplit(".", 1)
        if not hmac.compare_digest(signature, self._sign(b"session|" + body.encode())):
            return None
        try:
            data = json.loads(_unb64(body))
            session = StaffSession(str(data["s"]), data["u"], int(data["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        if session.expires < (time.time() if now is None else now):
            return None
        return session

    def csrf_token(self, session: StaffSession) -> str:
        return self._sign(b"csrf|" + session.sid.encode())

    def csrf_ok(self, session: StaffSession, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(str(token), self.csrf_token(session))

    def _sign(self, message: bytes) -> str:
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())


@dataclass
class RateLimiter:
    """Failed attempts per key in a sliding window; in memory, for the one staff process."""

    limit: int
    window: float
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def blocked(self, key: str, now: float | None = None) -> bool:
        return len(self._recent(key, now)) >= self.limit

    def fail(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if len(self._failures) > 10_000:
            # Many made-up names or addresses: forget the keys whose failures have expired.
            for old in [
                k for k, v in self._failures.items() if not v or v[-1] <= now - self.window
            ]:
                del self._failures[old]
        self._recent(key, now).append(now)

    def reset(self, key: str) -> None:
        self._failures.pop(key, None)

    def _recent(self, key: str, now: float | None) -> deque[float]:
        now = time.monotonic() if now is None else now
        failures = self._failures.setdefault(key, deque())
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures
