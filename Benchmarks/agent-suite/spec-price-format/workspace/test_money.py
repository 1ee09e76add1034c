from money import format_price, receipt_line


def test_two_decimals_and_dollar_sign():
    assert format_price(3.5) == "$3.50"
    assert format_price(5) == "$5.00"


def test_thousands_separators():
    assert format_price(1234.5) == "$1,234.50"
    assert format_price(1234567.891) == "$1,234,567.89"


def test_zero():
    assert format_price(0) == "$0.00"


def test_negative_amounts():
    got = format_price(-5)
    assert got == "-$5.00", f"the minus sign goes before the dollar sign: expected '-$5.00', got {got!r}"
    assert format_price(-1234.5) == "-$1,234.50"


def test_receipt_line():
    assert receipt_line("Coffee", 3.5, width=20) == "Coffee ....... $3.50"
