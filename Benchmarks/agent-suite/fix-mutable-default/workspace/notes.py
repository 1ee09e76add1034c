"""A tiny note-taking model."""


class Note:
    def __init__(self, title, tags=[]):
        self.title = title
        self.tags = tags

    def add_tag(self, tag):
        if tag not in self.tags:
            self.tags.append(tag)

    def __repr__(self):
        return f"Note({self.title!r}, tags={self.tags!r})"


def word_counts(text, counts={}):
    """Count the words of ``text``; pass ``counts`` to add to an existing tally."""
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts
