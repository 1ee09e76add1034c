"""Durations as written in the job scheduler's config."""


def parse_duration(text):
    """Convert a duration such as '45s' or '2m' to seconds (int)."""
    raise NotImplementedError("parse_duration")


def describe(seconds):
    """The reverse, for messages: 5400 -> '1h30m', 45 -> '45s'."""
    out = ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            out += f"{count}{unit}"
    return out or "0s"
