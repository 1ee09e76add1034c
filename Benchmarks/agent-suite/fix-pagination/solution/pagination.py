"""Splitting a list into pages. Pages are numbered from 1."""


def page_count(total, per_page=10):
    """How many pages ``total`` items need; an empty list still has one (empty) page."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    return max(1, -(-total // per_page))


def paginate(items, page, per_page=10):
    """Return the items shown on ``page`` (1-based). Pages past the end are empty."""
    if page < 1:
        raise ValueError("pages are numbered from 1")
    start = (page - 1) * per_page
    return items[start:start + per_page]


def page_label(page, total, per_page=10):
    """'Page 2 of 5' for the footer."""
    return f"Page {page} of {page_count(total, per_page)}"
