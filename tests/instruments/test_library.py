"""The instruments bundled with Heard."""

from __future__ import annotations

import pytest

from instruments import ErrorCode, InstrumentInvalid, library_names, load_library


def test_library_names_are_the_bundled_yaml_files_without_suffix() -> None:
    names = library_names()

    assert names == sorted(names)
    assert all(name and not name.endswith(".yaml") for name in names)


@pytest.mark.parametrize("name", library_names())
def test_every_bundled_instrument_loads(name: str) -> None:
    assert load_library(name).id == name


@pytest.mark.parametrize("name", ["no-such-instrument", "../schema", "/etc/passwd", ""])
def test_an_unknown_name_is_refused_with_library_unknown(name: str) -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        load_library(name)

    assert [p.code for p in caught.value.problems] == [ErrorCode.LIBRARY_UNKNOWN]


def test_the_refusal_lists_the_instruments_available() -> None:
    with pytest.raises(InstrumentInvalid) as caught:
        load_library("nope")

    assert all(name in str(caught.value) for name in library_names())
