from logstats import count_by_level, parse_line

LOG = """\
2024-03-01 12:00:05 ERROR [db] connection lost
2024-03-01 12:00:06 INFO [web] GET /index.html 200
garbage line
2024-03-01 12:00:07 WARNING [db] retrying in 5 s
2024-03-01 12:00:09 INFO [db] connected
2024-03-01 12:00:10 FATAL [web] not a known level
""".splitlines()


def test_parse_line():
    assert parse_line(LOG[0]) == {
        "date": "2024-03-01",
        "time": "12:00:05",
        "level": "ERROR",
        "component": "db",
        "message": "connection lost",
    }


def test_message_keeps_spaces():
    assert parse_line(LOG[1])["message"] == "GET /index.html 200"


def test_trailing_newline_ignored():
    assert parse_line(LOG[4] + "\n")["message"] == "connected"


def test_bad_lines_give_none():
    assert parse_line("garbage line") is None
    assert parse_line("") is None
    assert parse_line(LOG[5]) is None, "FATAL is not one of LEVELS, so the line is not parsed"


def test_count_by_level():
    assert count_by_level(LOG) == {"DEBUG": 0, "INFO": 2, "WARNING": 1, "ERROR": 1}
