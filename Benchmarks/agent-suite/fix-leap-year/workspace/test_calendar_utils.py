import pytest

from calendar_utils import days_in_month, days_in_year, is_leap_year


def test_ordinary_years():
    assert is_leap_year(2024)
    assert not is_leap_year(2023)


def test_century_not_divisible_by_400():
    assert not is_leap_year(1900), "1900 is not a leap year"
    assert not is_leap_year(2100), "2100 is not a leap year"


def test_century_divisible_by_400():
    assert is_leap_year(2000), "2000 is a leap year"
    assert is_leap_year(1600), "1600 is a leap year"


def test_february():
    assert days_in_month(2000, 2) == 29
    assert days_in_month(1900, 2) == 28
    assert days_in_month(2024, 2) == 29


def test_other_months_and_years():
    assert days_in_month(2023, 4) == 30
    assert days_in_year(2000) == 366
    assert days_in_year(1900) == 365
    with pytest.raises(ValueError):
        days_in_month(2023, 13)
