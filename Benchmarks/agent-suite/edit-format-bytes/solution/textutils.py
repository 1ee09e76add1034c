"""Text helpers shared by the report and the CLI.

Everything here is pure: no I/O, no global state.
"""

import re

# ----------------------------------------------------------------------
# KEEP IN SYNC: these tables are also documented in docs/formatting.md.
# Edit them only together with the docs (ticket FMT-112).
# ----------------------------------------------------------------------
ORDINAL_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}
SMALL_WORDS = {"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to"}
# ----------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalize_whitespace(text):
    """Collapse every run of whitespace to one space and strip both ends."""
    return _SPACES.sub(" ", text).strip()


def truncate(text, width, ellipsis="..."):
    """Shorten ``text`` to at most ``width`` characters, ending in ``ellipsis`` when cut."""
    if len(text) <= width:
        return text
    if width <= len(ellipsis):
        return ellipsis[:width]
    return text[: width - len(ellipsis)].rstrip() + ellipsis


def wrap_words(text, width):
    """Greedy word wrap; returns a list of lines no longer than ``width`` (long words kept whole)."""
    lines = []
    current = ""
    for word in normalize_whitespace(text).split(" "):
        if not word:
            continue
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines


def title_case(text):
    """Capitalize words, keeping SMALL_WORDS lowercase unless first or last."""
    words = normalize_whitespace(text).lower().split(" ")
    out = []
    for index, word in enumerate(words):
        if 0 < index < len(words) - 1 and word in SMALL_WORDS:
            out.append(word)
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def count_words(text):
    """Number of whitespace-separated words."""
    return len(text.split())


def pluralize(count, singular, plural=None):
    """'1 file', '2 files'; pass ``plural`` for irregular words."""
    word = singular if count == 1 else (plural or singular + "s")
    return f"{count} {word}"


def ordinal(number):
    """1 -> '1st', 2 -> '2nd', 11 -> '11th', 23 -> '23rd'."""
    if 10 <= number % 100 <= 20:
        suffix = "th"
    else:
        suffix = ORDINAL_SUFFIXES.get(number % 10, "th")
    return f"{number}{suffix}"


def format_bytes(size):
    """Human-readable size in binary units: 1536 -> '1.5 KiB'."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if value < 1024 or unit == "TiB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}"
        value /= 1024


def format_duration(seconds):
    """Compact duration: 59 -> '59s', 61 -> '1m 1s', 3600 -> '1h 0m'."""
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m {seconds}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m"


def format_table(rows, headers):
    """Plain-text table with columns padded to the widest cell; numbers right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(isinstance(row[i], (int, float)) for row in rows) for i in range(len(headers))]
    lines = []
    for row_index, row in enumerate(cells):
        parts = []
        for i, cell in enumerate(row):
            parts.append(cell.rjust(widths[i]) if numeric[i] and row_index else cell.ljust(widths[i]))
        lines.append("  ".join(parts).rstrip())
        if row_index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def indent(text, prefix="    "):
    """Prefix every non-empty line of ``text``."""
    return "\n".join(prefix + line if line.strip() else line for line in text.split("\n"))


def initials(name):
    """'Ada King Lovelace' -> 'AKL'."""
    return "".join(part[0].upper() for part in name.split() if part)


def mask_email(email):
    """'alice@example.com' -> 'a****@example.com'."""
    local, _, domain = email.partition("@")
    if not domain:
        raise ValueError(f"not an email address: {email!r}")
    return local[:1] + "*" * max(len(local) - 1, 1) + "@" + domain
