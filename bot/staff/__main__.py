"""`python -m bot.staff`: the staff workspace, or `python -m bot.staff staff-user add NAME`."""

import sys

from bot.staff.commands import main

sys.exit(main())
