"""The fast path of stored answer decoding agrees with the JSON parser on every value."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from survey.services.answers import json_value

VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=8,
)


@given(VALUES)
def test_stored_values_decode_as_the_json_parser_reads_them(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False)):
        assert json_value(text) == json.loads(text)


def test_leading_zeros_and_signs_go_to_the_parser():
    assert json_value("-5") == -5 and json_value("0") == 0
    assert json_value('"a\\"b"') == 'a"b'
