from pathlib import Path

import pricing
from cart import Cart
from invoice import render_invoice
from pricing import order_total

HERE = Path(__file__).parent


def test_order_total():
    assert order_total([(100, 2), (50, 1)]) == 300
    assert order_total([(100, 2), (50, 1)], tax=False) == 250


def test_old_name_removed():
    assert not hasattr(pricing, "calc_total"), "pricing.calc_total should have been renamed to order_total"


def test_no_file_mentions_old_name():
    for name in ["pricing.py", "cart.py", "invoice.py"]:
        assert "calc_total" not in (HERE / name).read_text(), f"{name} still mentions calc_total"


def test_cart_and_invoice_still_work():
    cart = Cart()
    cart.add("tea", 250, 2)
    cart.add("cake", 300)
    assert cart.total() == 960
    assert render_invoice(cart) == "cake: 1 x 300\ntea: 2 x 250\nnet: 800\ntotal: 960"
