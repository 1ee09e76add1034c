import pytest

from users import InvalidUsername, register, validate_username


def test_valid_names_are_cleaned_up():
    assert validate_username("alice_99") == "alice_99"
    assert validate_username("  Bob ") == "bob", "surrounding spaces are stripped and names are lowercased"


def test_too_short():
    with pytest.raises(InvalidUsername, match="at least 3 characters"):
        validate_username("ab")


def test_too_long():
    validate_username("a" * 16)
    with pytest.raises(InvalidUsername, match="at most 16 characters"):
        validate_username("a" * 17)


@pytest.mark.parametrize("name", ["bad name", "dash-ed", "dot.ted"])
def test_odd_characters(name):
    with pytest.raises(InvalidUsername, match="only letters, digits and underscores"):
        validate_username(name)


def test_must_start_with_a_letter():
    with pytest.raises(InvalidUsername, match="must start with a letter"):
        validate_username("1abc")
    with pytest.raises(InvalidUsername, match="must start with a letter"):
        validate_username("_abc")


def test_register_uses_cleaned_name():
    taken = set()
    assert register(taken, "Carol") == "carol"
    with pytest.raises(InvalidUsername, match="already taken"):
        register(taken, "CAROL")
