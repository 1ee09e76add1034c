import pytest

from settings import parse_config

SAMPLE = """\
# app settings
name = demo

[server]
host = 0.0.0.0
port = 8080
debug = True

; storage
[db]
path = /var/lib/demo.db
pool=4
"""


def test_sections_and_values():
    assert parse_config(SAMPLE) == {
        "": {"name": "demo"},
        "server": {"host": "0.0.0.0", "port": 8080, "debug": True},
        "db": {"path": "/var/lib/demo.db", "pool": 4},
    }


def test_value_types():
    cfg = parse_config("[x]\na = 12\nb = false\nc = 1.5\nd = hello world\n")["x"]
    assert cfg == {"a": 12, "b": False, "c": "1.5", "d": "hello world"}
    assert type(cfg["a"]) is int and type(cfg["b"]) is bool


def test_value_may_contain_equals():
    assert parse_config("url = a=b")[""] == {"url": "a=b"}


def test_empty_text():
    assert parse_config("") == {}
    assert parse_config("# only a comment\n\n") == {}


def test_bad_line_reports_line_number():
    with pytest.raises(ValueError, match="3"):
        parse_config("[a]\nx = 1\nthis is not valid\n")
