"""Prices are in cents (int)."""

TAX_RATE = 0.2


def calc_total(lines, tax=True):
    """Total of (unit_price, quantity) pairs, with tax unless ``tax`` is False."""
    subtotal = sum(price * qty for price, qty in lines)
    return round(subtotal * (1 + TAX_RATE)) if tax else subtotal
