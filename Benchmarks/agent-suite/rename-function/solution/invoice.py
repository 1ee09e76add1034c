import pricing


def render_invoice(cart):
    rows = [f"{name}: {qty} x {price}" for name, (price, qty) in sorted(cart.lines.items())]
    net = pricing.order_total(cart.lines.values(), tax=False)
    rows.append(f"net: {net}")
    rows.append(f"total: {pricing.order_total(cart.lines.values())}")
    return "\n".join(rows)
