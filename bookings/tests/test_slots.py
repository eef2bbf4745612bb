"""The slot engine, as pure functions: no database."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bookings import slots

IST = ZoneInfo("Asia/Kolkata")
MONDAY = date(2026, 12, 7)
SUNDAY = date(2026, 12, 6)


def schedule(*, step=30, capacity=1, notice=0, horizon=14, weekly=None, overrides=()):
    weekly = weekly or [slots.WeeklyHours(d, time(9), time(13)) for d in range(6)] + [
        slots.WeeklyHours(d, time(14), time(18)) for d in range(6)
    ]
    return slots.Schedule(
        weekly=tuple(weekly),
        overrides=tuple(overrides),
        rules=slots.Rules(
            step_minutes=step, capacity=capacity, min_notice_minutes=notice, max_days_ahead=horizon
        ),
    )


def at(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=IST)


def free(day=MONDAY, *, sched=None, duration=30, taken=(), now=None):
    return slots.free_slots(
        day=day,
        schedule=sched or schedule(),
        duration=duration,
        taken=list(taken),
        now=now or at(MONDAY, 6),
    )


def hm(*values):
    return [time(*v) if isinstance(v, tuple) else time(v) for v in values]


def test_break_splits_the_day_and_the_last_slot_ends_at_closing():
    result = free()
    assert result[0] == time(9)
    assert time(12, 30) in result
    assert time(13) not in result and time(13, 30) not in result  # lunch break
    assert time(14) in result
    assert result[-1] == time(17, 30)  # last slot of the day: 17:30–18:00
    assert len(result) == 16


def test_duration_crossing_a_break_is_not_free():
    result = free(duration=60)
    assert time(12) in result  # 12:00–13:00 fits
    assert time(12, 30) not in result  # 12:30–13:30 would cross the break
    assert result[-1] == time(17)  # 17:00–18:00 is the last one that fits
    assert time(17, 30) not in result


def test_duration_longer_than_any_interval_has_no_slot():
    assert free(duration=300) == []


def test_weekday_mapping_monday_is_zero_and_sunday_closed():
    assert MONDAY.weekday() == 0
    only_monday = schedule(weekly=[slots.WeeklyHours(0, time(10), time(11))])
    assert free(MONDAY, sched=only_monday) == hm(10, (10, 30))
    assert free(date(2026, 12, 8), sched=only_monday, now=at(MONDAY, 6)) == []
    only_sunday = schedule(weekly=[slots.WeeklyHours(6, time(10), time(11))])
    assert free(SUNDAY + timedelta(days=7), sched=only_sunday) == hm(10, (10, 30))
    assert free(MONDAY, sched=only_sunday) == []


def test_closed_time_off_closes_the_day():
    off = slots.DayOverride(MONDAY, MONDAY)
    assert free(sched=schedule(overrides=[off])) == []
    assert slots.working_intervals(MONDAY, schedule(overrides=[off])) == []


def test_time_off_range_covers_every_day_in_it():
    off = slots.DayOverride(date(2026, 12, 5), date(2026, 12, 8))
    sched = schedule(overrides=[off])
    assert free(MONDAY, sched=sched) == []
    assert free(date(2026, 12, 9), sched=sched) != []


def test_special_hours_replace_the_weekly_hours():
    special = slots.DayOverride(MONDAY, MONDAY, time(10), time(11))
    assert free(sched=schedule(overrides=[special])) == hm(10, (10, 30))


def test_special_hours_open_a_normally_closed_sunday():
    sunday = date(2026, 12, 13)
    special = slots.DayOverride(sunday, sunday, time(9), time(10))
    assert free(sunday, sched=schedule(overrides=[special])) == hm(9, (9, 30))


def test_step_grid_is_anchored_at_opening():
    sched = schedule(step=15, weekly=[slots.WeeklyHours(0, time(9, 10), time(10))])
    assert free(sched=sched) == hm((9, 10), (9, 25))


def test_capacity_counts_overlapping_active_appointments():
    taken = [(600, 630)]  # 10:00–10:30
    assert time(10) not in free(taken=taken)
    assert time(9, 30) in free(taken=taken)  # ends exactly when the other begins
    assert time(10, 30) in free(taken=taken)
    two_chairs = schedule(capacity=2)
    assert time(10) in free(sched=two_chairs, taken=taken)
    assert time(10) not in free(sched=two_chairs, taken=taken * 2)


def test_a_long_service_is_blocked_by_any_overlap():
    taken = [(660, 690)]  # 11:00–11:30
    result = free(duration=60, taken=taken)
    assert time(10) in result  # 10:00–11:00
    assert time(10, 30) not in result  # 10:30–11:30 overlaps
    assert time(11) not in result


def test_past_times_today_are_not_offered():
    result = free(now=at(MONDAY, 10, 5))
    assert result[0] == time(10, 30)


def test_minimum_notice():
    result = free(sched=schedule(notice=120), now=at(MONDAY, 10))
    assert result[0] == time(12)
    # Notice that runs past the end of the day leaves nothing today, and tomorrow is fine.
    assert free(sched=schedule(notice=600), now=at(MONDAY, 10)) == []
    assert free(date(2026, 12, 8), sched=schedule(notice=600), now=at(MONDAY, 10))[0] == time(9)


def test_notice_crossing_midnight_blocks_the_start_of_tomorrow():
    result = free(date(2026, 12, 8), sched=schedule(notice=12 * 60), now=at(MONDAY, 22))
    assert result[0] == time(10)


def test_horizon_and_past_days():
    sched = schedule(horizon=3)
    assert free(date(2026, 12, 10), sched=sched) != []  # today + 3
    assert free(date(2026, 12, 11), sched=sched) == []  # today + 4
    assert free(date(2026, 12, 5), sched=sched) == []  # Saturday before: past


def test_day_boundary_just_before_and_after_midnight():
    # 23:59 on Monday: Monday is over, Tuesday opens as usual.
    late = at(MONDAY, 23, 59)
    assert free(MONDAY, now=late) == []
    assert free(date(2026, 12, 8), now=late)[0] == time(9)
    # 00:00 on Tuesday: Tuesday counts as today; the horizon is counted from Tuesday.
    midnight = datetime(2026, 12, 8, 0, 0, tzinfo=IST)
    sched = schedule(horizon=1)
    assert free(date(2026, 12, 9), sched=sched, now=midnight) != []
    assert free(MONDAY, sched=sched, now=midnight) == []


def test_seconds_round_up_to_the_next_minute():
    assert slots.earliest_start(MONDAY, at(MONDAY, 9).replace(second=1), schedule().rules) == 541


def test_is_free_agrees_with_free_slots():
    sched = schedule()
    taken = [(600, 630)]
    now = at(MONDAY, 6)
    listed = set(free(taken=taken))
    for minute in range(0, 24 * 60, 15):
        t = slots.from_minutes(minute)
        assert slots.is_free(
            day=MONDAY, start=t, schedule=sched, duration=30, taken=taken, now=now
        ) == (t in listed)


def test_days_with_free_slots_marks_closed_full_and_free():
    days = [SUNDAY, MONDAY, date(2026, 12, 8), date(2026, 12, 30)]
    taken = {date(2026, 12, 8): [(540, 780), (840, 1080)]}  # Tuesday fully booked
    result = slots.days_with_free_slots(
        days=days, schedule=schedule(), duration=30, taken_by_day=taken, now=at(MONDAY, 6)
    )
    assert result == {
        SUNDAY: "unavailable",
        MONDAY: "free",
        date(2026, 12, 8): "full",
        date(2026, 12, 30): "unavailable",
    }
    sunday = date(2026, 12, 13)
    assert (
        slots.days_with_free_slots(
            days=[sunday], schedule=schedule(), duration=30, taken_by_day={}, now=at(MONDAY, 6)
        )[sunday]
        == "closed"
    )


def test_first_free_slot_skips_full_and_closed_days():
    taken = {MONDAY: [(540, 780), (840, 1080)]}
    first = slots.first_free_slot(
        days=[MONDAY, date(2026, 12, 8)],
        schedule=schedule(),
        duration=30,
        taken_by_day=taken,
        now=at(MONDAY, 6),
    )
    assert first == datetime(2026, 12, 8, 9, 0)


def reason(day=MONDAY, start=time(10), *, sched=None, duration=30, taken=(), now=None):
    return slots.unbookable_reason(
        day=day,
        start=start,
        schedule=sched or schedule(),
        duration=duration,
        taken=list(taken),
        now=now or at(MONDAY, 6),
    )


def test_why_a_slot_cannot_be_booked_names_one_reason():
    U = slots.Unbookable
    assert reason() is None
    assert reason(day=MONDAY - timedelta(days=1)) == U.PAST
    assert reason(day=MONDAY + timedelta(days=15)) == U.BEYOND_HORIZON
    assert reason(day=SUNDAY + timedelta(days=7)) == U.CLOSED
    closed = slots.DayOverride(MONDAY, MONDAY)
    assert reason(sched=schedule(overrides=[closed])) == U.CLOSED
    assert reason(start=time(10, 15)) == U.OFF_GRID  # not on the 30-minute grid
    assert reason(start=time(12, 30), duration=60) == U.OFF_GRID  # would cross the break
    assert reason(now=at(MONDAY, 10, 1)) == U.TOO_SOON
    assert reason(sched=schedule(notice=120), now=at(MONDAY, 8, 30)) == U.TOO_SOON
    assert reason(taken=[(600, 630)]) == U.TAKEN
    assert reason(sched=schedule(capacity=2), taken=[(600, 630)]) is None


def test_why_a_day_has_no_slot():
    U = slots.Unbookable
    assert reason(start=None) is None
    assert reason(start=None, now=at(MONDAY, 18)) == U.FULL  # open, but the day is over
    whole_day = [(m, m + 30) for m in range(9 * 60, 18 * 60, 30)]
    assert reason(start=None, taken=whole_day) == U.FULL
    assert reason(day=SUNDAY + timedelta(days=7), start=None) == U.CLOSED
    # Every free slot of a day has no reason, every other grid start has one.
    for minute in range(9 * 60, 18 * 60, 30):
        start = slots.from_minutes(minute)
        assert (reason(start=start, taken=[(600, 630)]) is None) == (
            start in free(taken=[(600, 630)])
        )
