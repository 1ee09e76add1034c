import ast
import hashlib
from pathlib import Path

import pytest

from inventory import Inventory, UnknownItem


def make():
    inventory = Inventory()
    inventory.register("A1", "apple", 50)
    inventory.add("A1", 10)
    return inventory


def test_remove_within_stock():
    inventory = make()
    assert inventory.remove("A1", 4) == 6
    assert inventory.remove("A1", 6) == 0, "removing exactly what is in stock is allowed"


def test_remove_more_than_in_stock_raises():
    inventory = make()
    with pytest.raises(ValueError):
        inventory.remove("A1", 11)


def test_failed_remove_changes_nothing():
    inventory = make()
    with pytest.raises(ValueError):
        inventory.remove("A1", 11)
    assert inventory.get("A1").quantity == 10, "stock must be unchanged after a refused removal"
    assert inventory.history("A1") == [10], "a refused removal must not be logged as a movement"


def test_existing_checks_still_apply():
    inventory = make()
    with pytest.raises(ValueError):
        inventory.remove("A1", 0)
    with pytest.raises(UnknownItem):
        inventory.remove("ZZ", 1)


# --- the rest of the file must stay as it was -------------------------------------------------
SOURCE = Path(__file__).with_name('inventory.py')
TARGET = 'Inventory.remove'
MARKER = """\
# ======================================================================
# AUDIT NOTE (2023-11): every change of stock must go through
# Inventory.add or Inventory.remove so that the movement log is complete.
# Do not write to Item.quantity anywhere else.
# ======================================================================
"""
# sha256 (first 16 hex digits) of every top-level statement and class member except TARGET
UNCHANGED = {
    '"""Stock keeping for the shop\'s back office.': 'eed309efd75eee34',
    'from dataclasses import dataclass': '9e63ee62217c139d',
    'class Item (header)': '5023c9df0ef2c394',
    'Item.sku: str': 'c3f0a611f4f29a71',
    'Item.name: str': '919c21eb6c610117',
    'Item.price: int': 'b328c809bf9008a5',
    'Item.quantity: int = 0': '5b6c877f444c3f1c',
    'Item.discontinued: bool = False': 'a479f42ed883fd16',
    'Item.value': 'c76298165ad3c5e8',
    'class UnknownItem (header)': '59ccb9f3f4d5df0f',
    'UnknownItem."""Raised when a SKU is not in the inventory."""': '56350d8b1cedd649',
    'class Inventory (header)': 'd060ab570b6b4b1d',
    'Inventory."""All items, keyed by SKU, with a log of stock mo': 'f2a063a680bcaa45',
    'Inventory.__init__': 'adbc339b7f1e733d',
    'Inventory.register': 'b592ddfd2be4cdf6',
    'Inventory.get': '644ecfa09152ab04',
    'Inventory.add': 'e4d08bf9d5982fe2',
    'Inventory.discontinue': 'aa0b106a7f08eb22',
    'Inventory.in_stock': '05f1d5217e1ee845',
    'Inventory.low_stock': '50b08cb205afdee3',
    'Inventory.total_value': '42130432ed101917',
    'Inventory.history': 'c5d7b42174a749b0',
    'format_cents': 'be861b7e3ed993fe',
    'stock_report': 'b3d89ba8678f7e1b',
    'reorder_list': '3c1cb6c49eac4a3f',
    'load_csv': 'b629c0fc998dfa72',
    'merge': '4511c6aee430eff7',
}


def _pieces():
    text = SOURCE.read_text()
    pieces = {}

    def label(node, prefix=""):
        name = getattr(node, "name", None)
        return prefix + (name or ast.get_source_segment(text, node).split("\n")[0][:50])

    def digest(node):
        return hashlib.sha256(ast.get_source_segment(text, node).encode()).hexdigest()[:16]

    for node in ast.parse(text).body:
        if isinstance(node, ast.ClassDef):
            header = ast.get_source_segment(text, node).split("\n")[0]
            pieces[f"class {node.name} (header)"] = hashlib.sha256(header.encode()).hexdigest()[:16]
            for member in node.body:
                pieces[label(member, node.name + ".")] = digest(member)
        else:
            pieces[label(node)] = digest(node)
    return pieces


def test_marker_comment_block_unchanged():
    assert MARKER in SOURCE.read_text(), "the comment block between the marker lines must stay exactly as it was"


def test_rest_of_file_unchanged():
    pieces = _pieces()
    changed = [name for name, want in UNCHANGED.items() if pieces.get(name) != want]
    assert not changed, f"only {TARGET} may change, but these were changed or removed: {changed}"
