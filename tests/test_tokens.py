from gradexplain.tokens import tokenize


def test_tokens_keep_positions():
    tokens = tokenize("w**2")
    assert [(t.kind, t.text, t.span.start) for t in tokens] == [
        ("NAME", "w", 0),
        ("OP", "**", 1),
        ("NUMBER", "2", 3),
        ("END", "", 4),
    ]
