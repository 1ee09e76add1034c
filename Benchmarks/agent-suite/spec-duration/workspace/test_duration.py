import pytest

from duration import describe, parse_duration


def test_single_units():
    assert parse_duration("45s") == 45
    assert parse_duration("2m") == 120
    assert parse_duration("3h") == 10800


def test_days():
    assert parse_duration("1d") == 86400, "days ('d') are a unit too"


def test_compound_durations_add_up():
    assert parse_duration("1h30m") == 5400, "compound durations like '1h30m' add their parts"
    assert parse_duration("1d2h3m4s") == 93784


def test_bare_number_means_seconds():
    assert parse_duration("90") == 90, "a bare number means seconds"


def test_surrounding_whitespace_ignored():
    assert parse_duration(" 10m ") == 600


@pytest.mark.parametrize("bad", ["", "abc", "5x", "m5"])
def test_invalid_raises_value_error(bad):
    with pytest.raises(ValueError, match="invalid duration"):
        parse_duration(bad)


def test_round_trip_with_describe():
    assert parse_duration(describe(93784)) == 93784
