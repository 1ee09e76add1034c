"""Roman numerals."""

_VALUES = [
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"),
    (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
    (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
]


def to_roman(number):
    """Return ``number`` written in Roman numerals, e.g. 1994 -> 'MCMXCIV'.

    Uses the usual subtractive forms (IV, IX, XL, XC, CD, CM).
    Only 1..3999 can be written; anything else raises ValueError.
    """
    if not 1 <= number <= 3999:
        raise ValueError(f"cannot write {number} in Roman numerals")
    out = []
    for value, letters in _VALUES:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)
