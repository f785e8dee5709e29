"""Password hashing, signed session cookies, CSRF tokens and the rate limiter."""

from __future__ import annotations

import pytest

from bot.staff.auth import (
    RateLimiter,
    SessionSigner,
    hash_password,
    password_problem,
    staff_secret,
    verify_password,
)


def test_hash_round_trip_with_parameters_and_salt() -> None:
    stored = hash_password("correct horse battery")
    scheme, n, r, p, salt, key = stored.split("$")
    assert (scheme, n, r, p) == ("scrypt", str(2**15), "8", "1")
    assert len(salt) >= 21 and len(key) >= 42
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterY", stored)
    assert hash_password("correct horse battery") != stored  # a fresh salt every time


def test_parameters_travel_with_the_hash() -> None:
    cheap = hash_password("wachtwoord-voor-test", n=2**10)
    assert cheap.split("$")[1] == "1024"
    assert verify_password("wachtwoord-voor-test", cheap)


@pytest.mark.parametrize("stored", ["", "plain", "bcrypt$1$2$3$x$y", "scrypt$x$8$1$AA$AA"])
def test_malformed_hashes_never_match(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_short_passwords_are_refused() -> None:
    assert password_problem("kort") is not None
    assert password_problem(" met-spatie-ervoor") is not None
    assert password_problem("een-lang-wachtwoord") is None


def test_session_round_trip_and_tampering() -> None:
    signer = SessionSigner(b"k" * 32)
    session = signer.new("anna", now=1000)
    cookie = signer.dump(session)
    assert signer.load(cookie, now=1001) == session
    body, signature = cookie.rsplit(".", 1)
    forged = SessionSigner(b"x" * 32).dump(signer.new("admin", now=1000))
    assert signer.load(forged, now=1001) is None
    assert signer.load(body + "." + signature[:-2] + "AA", now=1001) is None
    assert signer.load(body, now=1001) is None
    assert signer.load("", now=1001) is None


def test_sessions_expire() -> None:
    signer = SessionSigner(b"k" * 32, max_age=60)
    cookie = signer.dump(signer.new("anna", now=1000))
    assert signer.load(cookie, now=1059) is not None
    assert signer.load(cookie, now=1061) is None


def test_csrf_token_belongs_to_one_session() -> None:
    signer = SessionSigner(b"k" * 32)
    one, other = signer.new(), signer.new()
    assert signer.csrf_ok(one, signer.csrf_token(one))
    assert not signer.csrf_ok(one, signer.csrf_token(other))
    assert not signer.csrf_ok(one, None)
    assert not signer.csrf_ok(one, "")


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(limit=3, window=60)
    for second in range(3):
        assert not limiter.blocked("anna", now=second)
        limiter.fail("anna", now=second)
    assert limiter.blocked("anna", now=10)
    assert not limiter.blocked("bert", now=10)
    assert not limiter.blocked("anna", now=61)  # the first failure has left the window
    limiter.fail("anna", now=61)
    limiter.reset("anna")
    assert not limiter.blocked("anna", now=62)


def test_short_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WIJKWIJZER_STAFF_SECRET", "te-kort")
    with pytest.raises(ValueError, match="WIJKWIJZER_STAFF_SECRET"):
        staff_secret()
    monkeypatch.setenv("WIJKWIJZER_STAFF_SECRET", "x" * 40)
    assert staff_secret() == b"x" * 40


def test_rate_limiter_forgets_expired_keys() -> None:
    limiter = RateLimiter(limit=3, window=60)
    for number in range(10_001):
        limiter.fail(f"naam{number}", now=0)
    limiter.fail("nieuw", now=100)
    assert limiter._failures.keys() == {"nieuw"}
