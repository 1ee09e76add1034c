"""Sign-up checks."""


class InvalidUsername(ValueError):
    """Raised by validate_username for a name that cannot be used."""


def validate_username(name):
    """Check that ``name`` can be used as a username and return it, cleaned up."""
    return name


def register(existing, name):
    """Add ``name`` to the set ``existing`` (after validation); duplicates are refused."""
    name = validate_username(name)
    if name in existing:
        raise InvalidUsername(f"{name!r} is already taken")
    existing.add(name)
    return name
