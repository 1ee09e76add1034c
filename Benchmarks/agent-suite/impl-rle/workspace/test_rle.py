from rle import decode, encode


def test_encode():
    assert encode("aaabcc") == "3a1b2c"


def test_encode_single_characters_keep_count():
    assert encode("abc") == "1a1b1c", "a count of 1 must still be written"


def test_encode_long_run():
    assert encode("x" * 12 + "y") == "12x1y"


def test_decode_multi_digit_counts():
    assert decode("12x1y") == "x" * 12 + "y"


def test_round_trip():
    for text in ["", "a", "hello world", "  spaces  ", "zzzzzzzzzzzzzzzzzzzz!"]:
        assert decode(encode(text)) == text, f"round trip failed for {text!r}"


def test_empty():
    assert encode("") == ""
    assert decode("") == ""
