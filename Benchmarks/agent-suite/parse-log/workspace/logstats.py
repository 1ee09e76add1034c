"""Summaries of the server log.

Each log line looks like:
    2024-03-01 12:00:05 ERROR [db] connection lost
i.e. date, time, level, [component], message (the message may contain spaces).
"""

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def parse_line(line):
    """Return a dict with keys date, time, level, component, message for one log line.

    The component is given without its brackets. Lines that don't match the format
    (or have a level not in LEVELS) return None.
    """
    raise NotImplementedError("parse_line")


def count_by_level(lines):
    """Count the parsed lines per level: {"ERROR": 2, "INFO": 5, ...}; every level in
    LEVELS is present, with 0 when it never occurs. Unparseable lines are skipped."""
    raise NotImplementedError("count_by_level")
