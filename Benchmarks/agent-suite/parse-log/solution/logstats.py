"""Summaries of the server log.

Each log line looks like:
    2024-03-01 12:00:05 ERROR [db] connection lost
i.e. date, time, level, [component], message (the message may contain spaces).
"""

import re

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")

_LINE = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) (\w+) \[([^\]]+)\] (.*)$")


def parse_line(line):
    """Return a dict with keys date, time, level, component, message for one log line.

    The component is given without its brackets. Lines that don't match the format
    (or have a level not in LEVELS) return None.
    """
    match = _LINE.match(line.rstrip("\n"))
    if not match or match.group(3) not in LEVELS:
        return None
    date, time, level, component, message = match.groups()
    return {"date": date, "time": time, "level": level, "component": component, "message": message}


def count_by_level(lines):
    """Count the parsed lines per level: {"ERROR": 2, "INFO": 5, ...}; every level in
    LEVELS is present, with 0 when it never occurs. Unparseable lines are skipped."""
    counts = {level: 0 for level in LEVELS}
    for line in lines:
        entry = parse_line(line)
        if entry:
            counts[entry["level"]] += 1
    return counts
