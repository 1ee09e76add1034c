import pytest

from pagination import page_count, page_label, paginate

ITEMS = list(range(1, 26))  # 25 items


def test_first_page_starts_at_first_item():
    assert paginate(ITEMS, 1) == list(range(1, 11)), "page 1 must show the first 10 items"


def test_last_partial_page():
    assert paginate(ITEMS, 3) == [21, 22, 23, 24, 25]


def test_page_past_the_end_is_empty():
    assert paginate(ITEMS, 4) == []


def test_page_count_rounds_up():
    assert page_count(25) == 3, "25 items at 10 per page need 3 pages"
    assert page_count(30) == 3
    assert page_count(1, per_page=5) == 1
    assert page_count(0) == 1


def test_label():
    assert page_label(2, 25) == "Page 2 of 3"


def test_page_zero_rejected():
    with pytest.raises(ValueError):
        paginate(ITEMS, 0)
