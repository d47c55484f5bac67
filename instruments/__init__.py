"""Instruments: the schema of a Heard instrument, its loaders and its checks.

An instrument (a survey or, later, an interview guide) is data: YAML or an
XLSForm validated into the frozen dataclasses of :mod:`instruments.schema`.
This library imports nothing from the rest of Heard and nothing from the web
stack, so it can be used from a notebook or another program.
"""

from instruments.conditions import Condition, ConditionSyntaxError, parse_condition
from instruments.errors import ErrorCode, InstrumentInvalid, Problem
from instruments.library import library_names, load_library
from instruments.loader import load_instrument
from instruments.schema import (
    Choice,
    Consent,
    Contact,
    Instrument,
    Item,
    Organisation,
    Page,
    Section,
    SupportResource,
    Text,
    Topic,
)

__all__ = [
    "Choice",
    "Condition",
    "ConditionSyntaxError",
    "Consent",
    "Contact",
    "ErrorCode",
    "Instrument",
    "InstrumentInvalid",
    "Item",
    "Organisation",
    "Page",
    "Problem",
    "Section",
    "SupportResource",
    "Text",
    "Topic",
    "library_names",
    "load_instrument",
    "load_library",
    "parse_condition",
]
