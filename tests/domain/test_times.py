"""The store's one text form of a time: UTC, seconds, `Z`, sortable as text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from inbox.domain import format_time
from inbox.domain.times import from_db


def test_times_in_any_zone_are_written_in_utc_without_fractions():
    paris = timezone(timedelta(hours=1))
    assert format_time(datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=paris)) == "2026-01-02T02:04:05Z"
    assert format_time(datetime(2026, 1, 2, 3, 4, 5)) == "2026-01-02T03:04:05Z"  # naive is UTC
    assert format_time(None) is None


@given(st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7, minutes=-30))])),
       st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_the_text_sorts_as_the_times_do_and_reads_back(a, b):
    """Years before 1000 are padded too: otherwise "999-..." sorts after "2026-..."."""
    ta, tb = format_time(a), format_time(b)
    assert len(ta) == 20 and ta.endswith("Z")
    assert (ta < tb) == (a.replace(microsecond=0) < b.replace(microsecond=0))
    assert from_db(ta) == a.astimezone(UTC).replace(microsecond=0)


@given(st.datetimes(min_value=datetime(2, 1, 1), max_value=datetime(9998, 12, 31)),
       st.sampled_from([None, UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))]))
def test_format_time_is_the_stores_form_in_utc_to_the_second(dt, zone):
    """Any time, with a fraction or not, naive (read as UTC) or in any zone: UTC, seconds, Z."""
    dt = dt.replace(tzinfo=zone)
    utc = dt.replace(tzinfo=UTC) if zone is None else dt.astimezone(UTC)
    assert format_time(dt) == utc.strftime("%Y-%m-%dT%H:%M:%SZ").rjust(20, "0")
