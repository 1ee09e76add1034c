from notes import Note, word_counts


def test_notes_do_not_share_tags():
    first = Note("groceries")
    second = Note("todo")
    first.add_tag("home")
    assert first.tags == ["home"]
    assert second.tags == [], f"second note picked up tags from the first: {second.tags!r}"


def test_new_note_starts_empty():
    Note("a").add_tag("x")
    assert Note("b").tags == [], "a new note without tags must start with no tags"


def test_given_tags_are_used():
    note = Note("work", ["urgent"])
    note.add_tag("urgent")
    note.add_tag("email")
    assert note.tags == ["urgent", "email"]


def test_word_counts_fresh_each_call():
    assert word_counts("a b a") == {"a": 2, "b": 1}
    assert word_counts("c") == {"c": 1}, "word_counts must not remember earlier calls"


def test_word_counts_can_extend_a_tally():
    tally = {"a": 1}
    assert word_counts("A a", tally) == {"a": 3}
