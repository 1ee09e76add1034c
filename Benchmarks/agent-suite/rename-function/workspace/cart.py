from pricing import calc_total


class Cart:
    def __init__(self):
        self.lines = {}

    def add(self, name, price, qty=1):
        old_price, old_qty = self.lines.get(name, (price, 0))
        self.lines[name] = (old_price, old_qty + qty)

    def total(self):
        return calc_total(self.lines.values())
