"""Sign-up checks."""

import re


class InvalidUsername(ValueError):
    """Raised by validate_username for a name that cannot be used."""


def validate_username(name):
    """Check that ``name`` can be used as a username and return it, cleaned up."""
    name = name.strip().lower()
    if len(name) < 3:
        raise InvalidUsername("username must be at least 3 characters")
    if len(name) > 16:
        raise InvalidUsername("username must be at most 16 characters")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise InvalidUsername("username may contain only letters, digits and underscores")
    if not name[0].isalpha():
        raise InvalidUsername("username must start with a letter")
    return name


def register(existing, name):
    """Add ``name`` to the set ``existing`` (after validation); duplicates are refused."""
    name = validate_username(name)
    if name in existing:
        raise InvalidUsername(f"{name!r} is already taken")
    existing.add(name)
    return name
