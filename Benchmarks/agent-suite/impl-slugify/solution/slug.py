"""Helpers for building URL slugs."""

import re


def slugify(text):
    """Turn ``text`` into a URL slug.

    - everything is lowercased
    - every run of characters that are not a-z or 0-9 becomes a single hyphen
    - the slug never starts or ends with a hyphen

    >>> slugify("Hello, World!")
    'hello-world'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
