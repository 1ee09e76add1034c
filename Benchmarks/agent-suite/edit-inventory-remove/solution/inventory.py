"""Stock keeping for the shop's back office.

Quantities are whole units; prices are in cents.
"""

from dataclasses import dataclass

# ======================================================================
# AUDIT NOTE (2023-11): every change of stock must go through
# Inventory.add or Inventory.remove so that the movement log is complete.
# Do not write to Item.quantity anywhere else.
# ======================================================================


@dataclass
class Item:
    sku: str
    name: str
    price: int
    quantity: int = 0
    discontinued: bool = False

    def value(self):
        return self.price * self.quantity


class UnknownItem(KeyError):
    """Raised when a SKU is not in the inventory."""


class Inventory:
    """All items, keyed by SKU, with a log of stock movements."""

    def __init__(self):
        self.items = {}
        self.movements = []

    def register(self, sku, name, price):
        if sku in self.items:
            raise ValueError(f"{sku} is already registered")
        item = Item(sku, name, price)
        self.items[sku] = item
        return item

    def get(self, sku):
        try:
            return self.items[sku]
        except KeyError:
            raise UnknownItem(sku) from None

    def add(self, sku, quantity):
        """Receive ``quantity`` units of ``sku``."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        item = self.get(sku)
        item.quantity += quantity
        self.movements.append((sku, quantity))
        return item.quantity

    def remove(self, sku, quantity):
        """Take ``quantity`` units of ``sku`` out of stock."""
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        item = self.get(sku)
        if quantity > item.quantity:
            raise ValueError(f"only {item.quantity} of {sku} in stock, cannot remove {quantity}")
        item.quantity -= quantity
        self.movements.append((sku, -quantity))
        return item.quantity

    def discontinue(self, sku):
        self.get(sku).discontinued = True

    def in_stock(self):
        """Items with at least one unit, sorted by SKU."""
        return [item for sku, item in sorted(self.items.items()) if item.quantity > 0]

    def low_stock(self, threshold=5):
        """Active items at or below ``threshold`` units."""
        return [
            item
            for item in self.items.values()
            if not item.discontinued and item.quantity <= threshold
        ]

    def total_value(self):
        """Value of all stock in cents."""
        return sum(item.value() for item in self.items.values())

    def history(self, sku):
        """Movements of one SKU, oldest first."""
        self.get(sku)
        return [change for moved, change in self.movements if moved == sku]


def format_cents(cents):
    """1234 -> '12.34'."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def stock_report(inventory):
    """One line per item: SKU, name, quantity, value; then a total line."""
    lines = []
    for sku in sorted(inventory.items):
        item = inventory.items[sku]
        flag = " (discontinued)" if item.discontinued else ""
        lines.append(f"{sku:<8} {item.name:<20} {item.quantity:>5} {format_cents(item.value()):>10}{flag}")
    lines.append(f"{'TOTAL':<35} {format_cents(inventory.total_value()):>10}")
    return "\n".join(lines)


def reorder_list(inventory, threshold=5, target=20):
    """(sku, units to order) for low-stock items, to bring each up to ``target``."""
    return [
        (item.sku, target - item.quantity)
        for item in sorted(inventory.low_stock(threshold), key=lambda i: i.sku)
        if target > item.quantity
    ]


def load_csv(text):
    """Build an Inventory from 'sku,name,price,quantity' lines (header line first)."""
    inventory = Inventory()
    lines = [line for line in text.strip().splitlines() if line.strip()]
    for line in lines[1:]:
        sku, name, price, quantity = [part.strip() for part in line.split(",")]
        inventory.register(sku, name, int(price))
        if int(quantity):
            inventory.add(sku, int(quantity))
    return inventory


def merge(first, second):
    """A new Inventory holding the stock of both (prices from ``first`` win)."""
    merged = Inventory()
    for source in (first, second):
        for item in source.items.values():
            if item.sku not in merged.items:
                merged.register(item.sku, item.name, item.price)
            if item.quantity:
                merged.add(item.sku, item.quantity)
    return merged
