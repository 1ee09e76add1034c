"""Reading the app's settings file."""


def parse_config(text):
    """Parse INI-style ``text`` into ``{section: {key: value}}``.

    Format:
      [section]        starts a section; keys before the first section go into section ""
      key = value      spaces around the key and value are ignored
      # comment / ; comment   whole-line comments; blank lines are ignored

    Values: digits only -> int; true/false (any case) -> bool; anything else -> str.
    A line that is none of the above raises ValueError naming its line number (1-based).
    """
    raise NotImplementedError("parse_config")
