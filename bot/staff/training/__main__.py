"""`python -m bot.staff.training JOB.json`: the runner process (bot/staff/training/runner.py)."""

import sys

from bot.staff.training.runner import main

sys.exit(main())
