"""Run-length encoding of strings."""


def encode(text):
    """Encode ``text`` as count+character pairs: 'aaabcc' -> '3a1b2c'.

    The count is always written, even when it is 1. Input never contains digits.
    """
    raise NotImplementedError("encode")


def decode(encoded):
    """Reverse of encode: '3a1b2c' -> 'aaabcc'. Counts may have several digits ('12x')."""
    raise NotImplementedError("decode")
