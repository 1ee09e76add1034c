"""Money shown on receipts. Amounts are floats in dollars."""


def format_price(amount):
    """Format ``amount`` (dollars) for display."""
    sign = "-" if round(amount, 2) < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


def receipt_line(name, amount, width=30):
    """'Coffee ............ $3.50' padded with dots to ``width`` characters."""
    price = format_price(amount)
    dots = "." * max(width - len(name) - len(price) - 2, 1)
    return f"{name} {dots} {price}"
