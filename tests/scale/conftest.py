"""Tests of a production-like deployment: shared Redis locks, several servers, faults."""

from __future__ import annotations

import sys
from pathlib import Path

# The helper modules next to these tests (pytest runs with --import-mode=importlib).
sys.path.insert(0, str(Path(__file__).resolve().parent))
