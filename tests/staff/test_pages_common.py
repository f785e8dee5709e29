"""The staff pages' shared period filter: what `van` and `tot` mean for every page."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.staff.pages.common import Period, parse_day


@pytest.mark.parametrize("value", ["", "gisteren", "2026-02-30", "06-12-2026", "2026-12-06x"])
def test_a_day_that_is_not_one_is_no_filter(value: str) -> None:
    assert parse_day(value) is None
    assert Period.from_query({"van": value, "tot": value}) == Period()


def test_the_last_day_counts_whole() -> None:
    period = Period.from_query({"van": "2026-12-01", "tot": "2026-12-06"})
    assert period.start() == datetime(2026, 12, 1)
    assert period.end() == datetime(2026, 12, 7)
    assert period.start_timestamp() == datetime(2026, 12, 1, tzinfo=timezone.utc).timestamp()
    assert period.end_timestamp() == datetime(2026, 12, 7, tzinfo=timezone.utc).timestamp()
    assert period.fields() == {"since": "2026-12-01", "until": "2026-12-06"}
    assert not period.reversed


def test_an_open_period_and_a_reversed_one() -> None:
    open_ended = Period(since=date(2026, 12, 1))
    assert open_ended.end() is None and open_ended.end_timestamp() is None
    assert open_ended.fields() == {"since": "2026-12-01", "until": ""}
    assert Period(date(2026, 12, 6), date(2026, 12, 1)).reversed
