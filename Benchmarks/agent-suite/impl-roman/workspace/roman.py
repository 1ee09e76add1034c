"""Roman numerals."""


def to_roman(number):
    """Return ``number`` written in Roman numerals, e.g. 1994 -> 'MCMXCIV'.

    Uses the usual subtractive forms (IV, IX, XL, XC, CD, CM).
    Only 1..3999 can be written; anything else raises ValueError.
    """
    raise NotImplementedError("to_roman")
