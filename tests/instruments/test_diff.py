"""The differences between two instrument versions are reported item by item."""

from __future__ import annotations

from instruments import load_instrument
from instruments.diff import Change, diff_instruments
from tests.instruments.builders import choices, item, minimal_instrument, section, to_yaml


def base() -> dict:
    """Two sections: a choice with a follow-up, and a text question."""
    return minimal_instrument(
        sections=[
            section(
                "first",
                item(
                    "met",
                    "single_choice",
                    "How did you meet the police?",
                    choices=choices("a", "b"),
                ),
                item("arrested"),
                item("charged", show_if="arrested == 'yes'"),
            ),
            section("second", item("story", "long_text", "Tell us more")),
        ]
    )


def load(document: dict):
    """Load an instrument from a document."""
    return load_instrument(to_yaml(document), filename="x.yaml")


def test_the_same_instrument_has_no_differences():
    assert diff_instruments(load(base()), load(base())).empty


def test_an_added_and_a_removed_item_are_reported():
    new = base()
    new["sections"][1]["items"] = [item("extra", "short_text", "Anything else?")]
    diff = diff_instruments(load(base()), load(new))
    assert diff.added_items == ("extra",)
    assert diff.removed_items == ("story",)


def test_a_changed_label_and_condition_name_their_fields():
    new = base()
    new["sections"][0]["items"][0]["label"] = "How did you first meet the police?"
    new["sections"][0]["items"][2]["show_if"] = "arrested == 'no'"
    diff = diff_instruments(load(base()), load(new))
    assert Change("met", ("label",)) in diff.changed_items
    assert Change("charged", ("show_if",)) in diff.changed_items


def test_a_moved_item_and_a_changed_title_are_reported():
    new = base()
    new["sections"][1]["items"].append(new["sections"][0]["items"].pop(0))
    new["title"] = "A small survey"
    diff = diff_instruments(load(base()), load(new))
    assert diff.moved_items == ("met",)
    assert diff.changed_top == ("title",)
