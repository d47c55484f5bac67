"""The instruments bundled with Heard (``instruments/library/*.yaml``)."""

from __future__ import annotations

from importlib import resources

from instruments.errors import ErrorCode, InstrumentInvalid, Problem
from instruments.loader import load_instrument
from instruments.schema import Instrument

_SUFFIX = ".yaml"


def library_names() -> list[str]:
    """Return the names of the bundled instruments, sorted.

    Returns
    -------
    list of str
        Names to pass to :func:`load_library`, such as ``"police-response"``.

    Examples
    --------
    >>> "police-response" in library_names()
    True
    """
    folder = resources.files("instruments").joinpath("library")
    if not folder.is_dir():
        return []
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    )


def load_library(name: str) -> Instrument:
    """Load and validate the bundled instrument called `name`.

    Parameters
    ----------
    name
        One of :func:`library_names`, without the ``.yaml`` suffix.

    Returns
    -------
    Instrument
        The validated instrument.

    Raises
    ------
    InstrumentInvalid
        With code ``LIBRARY_UNKNOWN`` when there is no such instrument, or
        with the problems of the bundled file.

    Examples
    --------
    >>> load_library("police-response").id
    'police-response'
    """
    names = library_names()
    if name not in names:  # also refuses paths such as "../secrets"
        code = ErrorCode.LIBRARY_UNKNOWN
        message = code.message(name=name, available=", ".join(names) or "none")
        raise InstrumentInvalid([Problem(code, "", message)])
    entry = resources.files("instruments").joinpath("library", name + _SUFFIX)
    return load_instrument(
        entry.read_text(encoding="utf-8"), filename=f"instruments/library/{name}{_SUFFIX}"
    )
