"""Reading the app's settings file."""


def _value(raw):
    if raw.isdigit():
        return int(raw)
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    return raw


def parse_config(text):
    """Parse INI-style ``text`` into ``{section: {key: value}}``.

    Format:
      [section]        starts a section; keys before the first section go into section ""
      key = value      spaces around the key and value are ignored
      # comment / ; comment   whole-line comments; blank lines are ignored

    Values: digits only -> int; true/false (any case) -> bool; anything else -> str.
    A line that is none of the above raises ValueError naming its line number (1-based).
    """
    result = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            result.setdefault(section, {})
        elif "=" in line:
            key, raw = line.split("=", 1)
            result.setdefault(section, {})[key.strip()] = _value(raw.strip())
        else:
            raise ValueError(f"line {number}: cannot parse {line!r}")
    return result
