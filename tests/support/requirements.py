"""What a test needs from the machine: skipped here when missing, a failure in CI."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from tests.support.servers import has_model


def unavailable(reason: str) -> NoReturn:
    """Skip, with the reason shown; in CI (CI set) a missing piece is an install error."""
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def require_model(models_dir: Path | None = None) -> None:
    if not (has_model() if models_dir is None else has_model(models_dir)):
        unavailable("no trained model in models/ (run `make train`)")


def require_path(path: Path) -> None:
    """A file of the shared folder beside the checkout (public eval sets); CI has it."""
    if not path.exists():
        unavailable(f"{path} not found (the shared folder belongs beside the checkout)")
