from slug import slugify


def test_simple():
    assert slugify("Hello, World!") == "hello-world"


def test_runs_collapse_to_one_hyphen():
    got = slugify("Rust  &  Swift -- 2024")
    assert got == "rust-swift-2024", f"runs of separators should become one hyphen, got {got!r}"


def test_no_leading_or_trailing_hyphen():
    got = slugify("  ...Trim me!!  ")
    assert got == "trim-me", f"no hyphen at the start or end, got {got!r}"


def test_underscores_become_hyphens():
    assert slugify("snake_case_name") == "snake-case-name"


def test_already_a_slug():
    assert slugify("already-a-slug-42") == "already-a-slug-42"


def test_empty():
    assert slugify("") == ""
    assert slugify("!!!") == ""
