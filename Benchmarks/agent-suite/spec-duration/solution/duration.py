"""Durations as written in the job scheduler's config."""

import re

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_PART = re.compile(r"(\d+)([dhms])")


def parse_duration(text):
    """Convert a duration such as '45s' or '2m' to seconds (int)."""
    cleaned = text.strip()
    if cleaned.isdigit():
        return int(cleaned)
    if not cleaned or not re.fullmatch(r"(\d+[dhms])+", cleaned):
        raise ValueError(f"invalid duration: {text!r}")
    return sum(int(count) * _UNITS[unit] for count, unit in _PART.findall(cleaned))


def describe(seconds):
    """The reverse, for messages: 5400 -> '1h30m', 45 -> '45s'."""
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            out += f"{count}{unit}"
    return out or "0s"
