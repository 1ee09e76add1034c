"""Run-length encoding of strings."""

import re
from itertools import groupby


def encode(text):
    """Encode ``text`` as count+character pairs: 'aaabcc' -> '3a1b2c'.

    The count is always written, even when it is 1. Input never contains digits.
    """
    return "".join(f"{len(list(group))}{char}" for char, group in groupby(text))


def decode(encoded):
    """Reverse of encode: '3a1b2c' -> 'aaabcc'. Counts may have several digits ('12x')."""
    return "".join(char * int(count) for count, char in re.findall(r"(\d+)(\D)", encoded))
