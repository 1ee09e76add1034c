import pytest

from roman import to_roman


@pytest.mark.parametrize("number,expected", [(1, "I"), (3, "III"), (5, "V"), (10, "X"), (50, "L"), (1000, "M")])
def test_plain(number, expected):
    assert to_roman(number) == expected


@pytest.mark.parametrize("number,expected", [(4, "IV"), (9, "IX"), (40, "XL"), (90, "XC"), (400, "CD"), (900, "CM")])
def test_subtractive(number, expected):
    assert to_roman(number) == expected


def test_larger_numbers():
    assert to_roman(14) == "XIV"
    assert to_roman(1994) == "MCMXCIV"
    assert to_roman(2024) == "MMXXIV"
    assert to_roman(3999) == "MMMCMXCIX"


@pytest.mark.parametrize("number", [0, -1, 4000])
def test_out_of_range(number):
    with pytest.raises(ValueError):
        to_roman(number)
