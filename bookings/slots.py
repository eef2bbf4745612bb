"""The slot engine: pure functions from a provider's schedule and taken appointments to free slots.

Nothing here touches the database. Times are the provider's wall-clock (Asia/Kolkata) and are
handled as minutes since midnight, so a slot can never wrap past midnight and weekday
arithmetic happens on plain dates (``date.weekday()``: 0 = Monday, as ``WorkingHours.weekday``).
A slot for a service of duration d at time t is free when [t, t + d) lies inside one working
interval (crossing a break is not free), the day is not closed, t is not before now + notice, the
day is within the horizon, and fewer than ``capacity`` active appointments overlap it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple

Interval = tuple[int, int]  # [start, end) in minutes since midnight


@dataclass(frozen=True)
class WeeklyHours:
    weekday: int  # 0 = Monday … 6 = Sunday
    start: time
    end: time


@dataclass(frozen=True)
class DayOverride:
    """Time off: closed when ``open`` is None, otherwise special hours on those dates."""

    start_date: date
    end_date: date
    open: time | None = None
    close: time | None = None

    def covers(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


@dataclass(frozen=True)
class Rules:
    """A provider's booking settings, detached from the model."""

    step_minutes: int
    capacity: int
    min_notice_minutes: int
    max_days_ahead: int


@dataclass(frozen=True)
class Schedule:
    weekly: tuple[WeeklyHours, ...]
    overrides: tuple[DayOverride, ...]
    rules: Rules


def to_minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def from_minutes(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def working_intervals(day: date, schedule: Schedule) -> list[Interval]:
    """The opening intervals of ``day``: weekly hours, unless time off closes the day or sets
    special hours for it. Gaps between intervals are breaks."""
    overrides = [o for o in schedule.overrides if o.covers(day)]
    if overrides:
        if any(o.open is None or o.close is None for o in overrides):
            return []
        return _merge((to_minutes(o.open), to_minutes(o.close)) for o in overrides)
    weekday = day.weekday()
    return _merge(
        (to_minutes(w.start), to_minutes(w.end)) for w in schedule.weekly if w.weekday == weekday
    )


def grid_starts(intervals: Sequence[Interval], step: int, duration: int) -> list[int]:
    """Every start on the step grid (anchored at each interval's opening) where the whole
    duration fits inside that one interval."""
    starts: list[int] = []
    for open_, close in intervals:
        t = open_
        while t + duration <= close:
            starts.append(t)
            t += step
    return starts


def overlapping(start: int, end: int, taken: Iterable[Interval]) -> int:
    """How many taken intervals overlap [start, end)."""
    return sum(1 for s, e in taken if s < end and start < e)


def overlap_counter(taken: Iterable[Interval]) -> Callable[[int, int], int]:
    """``overlapping`` for many windows of one day: sorted once, then two binary searches per
    window, so a day's slots cost O((bookings + slots) log bookings), not bookings × slots.

    A taken [s, e) overlaps [start, end) when s < end and e > start; every interval with
    e <= start also has s < end, so the overlaps are #(s < end) - #(e <= start)."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in taken:
        starts.append(s)
        ends.append(e)
    starts.sort()
    ends.sort()
    return lambda start, end: bisect_left(starts, end) - bisect_right(ends, start)


def earliest_start(day: date, now: datetime, rules: Rules) -> int | None:
    """The first minute of ``day`` that may still be booked, or None when none can.

    ``now`` is an aware datetime already converted to the provider's time zone.
    """
    limit = now.replace(second=0, microsecond=0)
    if now.second or now.microsecond:
        limit += timedelta(minutes=1)
    limit += timedelta(minutes=rules.min_notice_minutes)
    today = now.date()
    if day < today or day > today + timedelta(days=rules.max_days_ahead):
        return None
    if limit.date() > day:
        return None
    if limit.date() < day:
        return 0
    return limit.hour * 60 + limit.minute


def is_within_horizon(day: date, today: date, rules: Rules) -> bool:
    return today <= day <= today + timedelta(days=rules.max_days_ahead)


def free_starts(
    *,
    day: date,
    schedule: Schedule,
    duration: int,
    taken: Iterable[Interval],
    now: datetime,
) -> Iterator[int]:
    """The free start minutes of ``day``, in order, lazily: a caller that needs only the first
    one (is the day free? the soonest slot?) stops there."""
    first = earliest_start(day, now, schedule.rules)
    if first is None:
        return
    starts = [
        t
        for t in grid_starts(
            working_intervals(day, schedule), schedule.rules.step_minutes, duration
        )
        if t >= first
    ]
    if not starts:
        return
    count = overlap_counter(taken)
    capacity = schedule.rules.capacity
    for t in starts:
        if count(t, t + duration) < capacity:
            yield t


def free_slots(
    *,
    day: date,
    schedule: Schedule,
    duration: int,
    taken: Iterable[Interval],
    now: datetime,
) -> list[time]:
    """The free start times of ``day`` for a service lasting ``duration`` minutes.

    ``taken`` are the [start, end) minutes of that day's active appointments.
    """
    return [
        from_minutes(t)
        for t in free_starts(day=day, schedule=schedule, duration=duration, taken=taken, now=now)
    ]


def is_free(
    *,
    day: date,
    start: time,
    schedule: Schedule,
    duration: int,
    taken: Iterable[Interval],
    now: datetime,
) -> bool:
    """Whether ``start`` is one of ``free_slots`` (same rules, without listing the day)."""
    if start.second or start.microsecond:
        return False
    first = earliest_start(day, now, schedule.rules)
    t = to_minutes(start)
    if first is None or t < first:
        return False
    step = schedule.rules.step_minutes
    for open_, close in working_intervals(day, schedule):
        if open_ <= t and t + duration <= close and (t - open_) % step == 0:
            return overlapping(t, t + duration, taken) < schedule.rules.capacity
    return False


def first_free_slot(
    *,
    days: Iterable[date],
    schedule: Schedule,
    duration: int,
    taken_by_day: dict[date, list[Interval]],
    now: datetime,
) -> datetime | None:
    """The earliest free slot over ``days`` (in order) as a naive wall-clock datetime."""
    for day in days:
        for start in free_starts(
            day=day,
            schedule=schedule,
            duration=duration,
            taken=taken_by_day.get(day, ()),
            now=now,
        ):
            return datetime.combine(day, from_minutes(start))
    return None


def days_with_free_slots(
    *,
    days: Iterable[date],
    schedule: Schedule,
    duration: int,
    taken_by_day: dict[date, list[Interval]],
    now: datetime,
) -> dict[date, str]:
    """For each day: "free", "full" (open but nothing free), "closed" or "unavailable"
    (past or beyond the horizon)."""
    result: dict[date, str] = {}
    for day in days:
        if earliest_start(day, now, schedule.rules) is None and not (
            is_within_horizon(day, now.date(), schedule.rules)
        ):
            result[day] = "unavailable"
        elif not working_intervals(day, schedule):
            result[day] = "closed"
        elif any(
            free_starts(
                day=day,
                schedule=schedule,
                duration=duration,
                taken=taken_by_day.get(day, ()),
                now=now,
            )
        ):
            result[day] = "free"
        else:
            result[day] = "full"
    return result


class DayAvailability(NamedTuple):
    """A calendar day: its state (as ``days_with_free_slots`` gives it) and how many start
    times are free, for the day's accessible name ("Tuesday 1 December, 12 free")."""

    state: str
    free: int


def days_availability(
    *,
    days: Iterable[date],
    schedule: Schedule,
    duration: int,
    taken_by_day: dict[date, list[Interval]],
    now: datetime,
) -> dict[date, DayAvailability]:
    """``days_with_free_slots`` with the number of free start times of each free day."""
    result: dict[date, DayAvailability] = {}
    for day in days:
        if earliest_start(day, now, schedule.rules) is None and not (
            is_within_horizon(day, now.date(), schedule.rules)
        ):
            result[day] = DayAvailability("unavailable", 0)
        elif not working_intervals(day, schedule):
            result[day] = DayAvailability("closed", 0)
        else:
            free = sum(
                1
                for _start in free_starts(
                    day=day,
                    schedule=schedule,
                    duration=duration,
                    taken=taken_by_day.get(day, ()),
                    now=now,
                )
            )
            result[day] = DayAvailability("free" if free else "full", free)
    return result


class Unbookable(StrEnum):
    """Why a slot (or a whole day) cannot be booked."""

    PAST = "past"  # the day is before today
    BEYOND_HORIZON = "beyond_horizon"  # further ahead than the shop takes bookings
    CLOSED = "closed"  # no opening hours that day (weekly hours or time off)
    OFF_GRID = "off_grid"  # not a start on the slot grid, or the service does not fit
    TOO_SOON = "too_soon"  # before now + the shop's notice
    TAKEN = "taken"  # as many bookings overlap it as the shop has capacity
    FULL = "full"  # (a whole day) open, but no slot left


def unbookable_reason(
    *,
    day: date,
    start: time | None,
    schedule: Schedule,
    duration: int,
    taken: Iterable[Interval],
    now: datetime,
) -> Unbookable | None:
    """Why ``start`` on ``day`` cannot be booked, or None when it can; with ``start`` None,
    why no slot of ``day`` can be. The one statement of the rules that the booking service
    and the booking page both ask (``now`` in the provider's time zone)."""
    rules = schedule.rules
    if day < now.date():
        return Unbookable.PAST
    if not is_within_horizon(day, now.date(), rules):
        return Unbookable.BEYOND_HORIZON
    intervals = working_intervals(day, schedule)
    if not intervals:
        return Unbookable.CLOSED
    taken = list(taken)
    if start is None:
        if free_slots(day=day, schedule=schedule, duration=duration, taken=taken, now=now):
            return None
        return Unbookable.FULL
    t = to_minutes(start)
    on_grid = any(
        o <= t and t + duration <= c and (t - o) % rules.step_minutes == 0 for o, c in intervals
    )
    if not on_grid or start.second or start.microsecond:
        return Unbookable.OFF_GRID
    first = earliest_start(day, now, rules)
    if first is None or t < first:
        return Unbookable.TOO_SOON
    if overlapping(t, t + duration, taken) >= rules.capacity:
        return Unbookable.TAKEN
    return None
