"""What each XLSForm question type becomes in Heard, or why it is refused.

The types are looked up in pyxform's own tables (``pyxform.aliases`` and
``QUESTION_TYPE_DICT``), so every alias pyxform accepts (``int``, ``string``,
``select one from``, ``q geopoint`` ...) is understood the same way here.
A type that would record who or where a respondent is is refused with the
privacy reason (SAFETY.md, Anonymity); one Heard cannot ask is refused with
what it lacks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyxform import aliases, constants
from pyxform.question_type_dictionary import QUESTION_TYPE_DICT

from instruments.errors import ErrorCode

BEGIN, END = "begin", "end"
GROUP, REPEAT = "group", "repeat"
SELECT_ONE, SELECT_MULTIPLE = "single_choice", "multiple_choice"
TEXT, INTEGER, DECIMAL, DATE = "short_text", "integer", "decimal", "date"
NOTE, ACKNOWLEDGE, RANGE = "note", "acknowledge", "range"

_CONTROL = re.compile(r"(?P<edge>begin|end)[ _](?P<control>.+)")
_SPECIFY_OTHER = re.compile(r"\s+(?:or specify other|or_other)$", re.IGNORECASE)

_WHAT_IS_RECORDED = {
    "deviceid": "the phone's device id (IMEI)",
    "subscriberid": "the SIM's subscriber id (IMSI)",
    "simserial": "the SIM card's serial number",
    "phonenumber": "the phone's own number",
    "username": "the name of the person using the phone",
    "email": "the email address of the phone's user",
    "start": "the exact time the form was opened",
    "end": "the exact time the form was finished",
    "today": "the day the form was filled in, on the phone's own clock",
}
_WHAT_IS_RECORDED_BY_TYPE = {
    "audit": "a log of every screen with its timing (and often the phone's location)",
    "start-geopoint": "the phone's location",
    "background-geopoint": "the phone's location",
    "background-audio": "a sound recording of the whole interview",
}

_LOCATION = "it records a place, which can identify a respondent and Heard never stores"
_MEDIA = (
    "it takes a photo, a recording or a file, which can show who a respondent is "
    "(a face, a voice, the file's own metadata)"
)
_REASONS = {
    "barcode": "it scans a code, often the one on an identity document",
    "dateTime": "Heard asks for a month and year, never a time of day",
    "time": "Heard asks for a month and year, never a time of day",
    "odk:rank": "Heard has no ranking question; ask a multiple choice question instead",
}


@dataclass(frozen=True)
class RowType:
    """What a survey row's type means to Heard.

    `kind` is a Heard item type, one of the XLSForm-only kinds above (date,
    acknowledge, range, integer, decimal, to be mapped with care), BEGIN or
    END (with `control` GROUP or REPEAT), or "" when the row is refused:
    then `refusal` holds the code and its details.
    """

    written: str
    kind: str
    control: str = ""
    list_name: str = ""
    specify_other: bool = False
    constraint: str = ""  # a constraint the type brings (``percentage``)
    refusal: tuple[ErrorCode, dict[str, str]] | None = field(default=None)


def classify(written: str) -> RowType:
    """Return what the type `written` in a survey row means to Heard.

    Examples
    --------
    >>> classify("select one from yes_no").list_name
    'yes_no'
    >>> classify("integer").kind, classify("begin_group").control
    ('integer', 'group')
    >>> classify("deviceid").refusal[0].code
    'XLSFORM_IDENTIFYING_METADATA'
    """
    text = " ".join(written.split())
    control = _CONTROL.fullmatch(text.lower())
    if control:
        return _control_type(text, control["edge"], control["control"])
    select = _select_type(text)
    if select is not None:
        return select
    spec = QUESTION_TYPE_DICT.get(text) or QUESTION_TYPE_DICT.get(text.lower())
    if spec is None:
        return _refused(text, "it is not an XLSForm question type")
    return _question_type(text, spec)


def _refused(text: str, reason: str) -> RowType:
    return RowType(text, "", refusal=(ErrorCode.XLSFORM_UNSUPPORTED_TYPE, {"reason": reason}))


def _control_type(text: str, edge: str, control: str) -> RowType:
    kind = aliases.control.get(control)
    if kind == constants.GROUP:
        return RowType(text, edge, GROUP)
    if kind in (constants.REPEAT, constants.LOOP):
        return RowType(text, edge, REPEAT)
    return _refused(text, f"'{control}' is not something a form can begin or end")


def _select_type(text: str) -> RowType | None:
    """Return the meaning of a select type (``select_one LIST``), or None for another type."""
    lower = text.lower()
    commands = {**aliases.select, "select_one_external": constants.SELECT_ONE_EXTERNAL}
    commands |= dict.fromkeys(aliases.osm, "osm")
    commands |= dict.fromkeys(aliases.cascading, constants.CASCADING_SELECT)
    if lower in commands or lower in ("select one external", "select_one_external"):
        return _refused(text, "it names no choice list: write it as select_one LIST_NAME")
    for command in sorted(commands, key=len, reverse=True):
        if not lower.startswith(command + " "):
            continue
        rest = text[len(command) :].strip()
        meaning = commands[command]
        if command in aliases.select_from_file:
            return _refused(text, "Heard keeps every choice in the form, not in a separate file")
        if meaning == constants.SELECT_ONE_EXTERNAL:
            return _refused(text, "Heard keeps every choice in the form, not in external_choices")
        if meaning == constants.RANK:
            return _refused(text, _REASONS["odk:rank"])
        if meaning in ("osm", constants.CASCADING_SELECT):
            return _refused(text, "Heard has no map or cascading questions")
        other = bool(_SPECIFY_OTHER.search(rest))
        list_name = _SPECIFY_OTHER.sub("", rest).strip()
        kind = SELECT_ONE if meaning == constants.SELECT_ONE else SELECT_MULTIPLE
        return RowType(text, kind, list_name=list_name, specify_other=other)
    return None


def _question_type(text: str, spec: dict) -> RowType:
    """Return the meaning of a type from pyxform's QUESTION_TYPE_DICT."""
    bind, control = spec.get("bind", {}), spec.get("control", {})
    preload = bind.get("jr:preloadParams")
    if preload is not None or text.lower() in _WHAT_IS_RECORDED_BY_TYPE:
        what = _WHAT_IS_RECORDED.get(str(preload).removeprefix("uri:")) or (
            _WHAT_IS_RECORDED_BY_TYPE.get(text.lower(), "data about the phone")
        )
        return RowType(text, "", refusal=(ErrorCode.XLSFORM_IDENTIFYING_METADATA, {"what": what}))
    if text.lower() == "phone number":
        what = {"what": "a phone number"}
        return RowType(text, "", refusal=(ErrorCode.IDENTIFIER_REQUESTED, what))
    data_type, tag = bind.get("type"), control.get("tag")
    if data_type in ("geopoint", "geotrace", "geoshape"):
        return _refused(text, _LOCATION)
    if tag in ("upload", "action") or data_type == "binary":
        return _refused(text, _MEDIA)
    if data_type in _REASONS:
        return _refused(text, _REASONS[data_type])
    return _answer_type(text, data_type, tag, bind)


def _answer_type(text: str, data_type: str | None, tag: str | None, bind: dict) -> RowType:
    """Return the meaning of a type that takes an answer (or shows a note)."""
    if tag == "trigger":
        return RowType(text, ACKNOWLEDGE)
    if tag == "range":
        return RowType(text, RANGE)
    if tag in ("select", "select1"):
        return _refused(text, "it names no choice list: write it as select_one LIST_NAME")
    if tag is None:
        reason = {
            "calculate": "Heard does not calculate values inside a form",
            "hidden": "Heard keeps no hidden values in a form",
        }.get(text.lower(), "Heard does not load data from outside the form")
        return _refused(text, reason)
    if bind.get("readonly") == "true()":
        return RowType(text, NOTE)
    kinds = {"int": INTEGER, "decimal": DECIMAL, "date": DATE, "string": TEXT}
    if data_type in kinds:
        return RowType(text, kinds[data_type], constraint=bind.get("constraint", ""))
    return _refused(text, "Heard has no question of this kind")
