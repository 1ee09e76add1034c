"""Small date helpers (Gregorian calendar)."""

_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def is_leap_year(year):
    """True for leap years: divisible by 4, except centuries, which must be divisible by 400."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 != 0)


def days_in_month(year, month):
    """Number of days in ``month`` (1-12) of ``year``."""
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    if month == 2 and is_leap_year(year):
        return 29
    return _DAYS[month - 1]


def days_in_year(year):
    return sum(days_in_month(year, month) for month in range(1, 13))
