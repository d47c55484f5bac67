"""Charts: accessible, escaped, self-contained SVG that a strict CSP allows."""

from __future__ import annotations

import doctest
import math

import pandas as pd
import pytest
from lxml import etree as ET

from analysis import charts
from analysis.charts import bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """Parse an SVG string as XML (fails on any markup error); our own output, no entities."""
    return ET.fromstring(svg.encode(), ET.XMLParser(resolve_entities=False, no_network=True))


def texts(root: ET.Element) -> list[str]:
    """Return the visible text of every <text> element."""
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    """Return the bar rectangles."""
    return [node for node in root.iter(f"{SVG}rect") if node.get("class") == "chart-bar"]


def sample_line() -> str:
    """Draw a line chart of three series with a gap and a mark, like a choice of k."""
    return line_chart(
        [5, 6, 7, 8],
        {
            "NPMI": [0.1, -0.05, 0.2, None],
            "diversity": [0.9, 0.8, 0.7, 0.6],
            "stability": [1, 1, 0.5, 0.4],
        },
        title="Choosing the number of topics",
        x_label="topics (k)",
        y_label="score",
        marked_x=7,
    )


def sample_bar() -> str:
    """Draw a bar chart with a hidden value."""
    return bar_chart(["Paid", "Not paid", "Debt"], [60.0, None, 40.0], title="Pay")


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(charts).failed == 0


@pytest.mark.parametrize("draw", [sample_bar, sample_line])
def test_a_chart_is_an_image_named_by_its_title_and_description(draw) -> None:
    root = parse(draw())
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert title.text and desc.text


@pytest.mark.parametrize("draw", [sample_bar, sample_line])
def test_a_chart_has_no_style_script_event_handler_or_external_reference(draw) -> None:
    root = parse(draw())
    for node in root.iter():
        assert node.tag not in {
            f"{SVG}script",
            f"{SVG}style",
            f"{SVG}image",
            f"{SVG}a",
            f"{SVG}use",
        }
        for name in node.attrib:
            assert name != "style" and not name.lower().startswith("on") and "href" not in name


@pytest.mark.parametrize("draw", [sample_bar, sample_line])
def test_a_chart_scales_with_its_box(draw) -> None:
    root = parse(draw())
    assert "width" not in root.attrib and "height" not in root.attrib
    assert len(root.get("viewBox").split()) == 4


@pytest.mark.parametrize("draw", ["bar", "line"])
def test_markup_in_a_label_or_title_comes_out_as_text(draw) -> None:
    evil = '<script>alert("x")</script> & "quotes"'
    if draw == "bar":
        svg = bar_chart([evil], [1.0], title=evil, unit=evil)
    else:
        svg = line_chart(
            [evil, "b"], {evil: [1.0, 2.0]}, title=evil, x_label=evil, y_label=evil, marked_x=evil
        )
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == evil
    assert not list(root.iter(f"{SVG}script"))
    assert any(evil in text for text in texts(root))


@pytest.mark.parametrize("hidden", [None, pd.NA, math.nan, float("nan")])
def test_a_hidden_value_is_labelled_hidden_and_has_no_bar(hidden) -> None:
    root = parse(bar_chart(["Shown", "Small group"], [12, hidden], title="Counts", unit=""))
    assert len(bars(root)) == 1
    assert "hidden" in texts(root) and "12" in texts(root)
    assert "Small group: hidden" in root.find(f"{SVG}desc").text


def test_bar_lengths_are_proportional_to_values() -> None:
    root = parse(bar_chart(["a", "b", "c"], [10, 20, 40], title="t"))
    widths = [float(bar.get("width")) for bar in bars(root)]
    assert widths[1] == pytest.approx(2 * widths[0]) and widths[2] == pytest.approx(4 * widths[0])


def test_max_value_sets_the_full_width() -> None:
    full = parse(bar_chart(["a"], [50], title="t", max_value=50))
    half = parse(bar_chart(["a"], [50], title="t", max_value=100))
    assert float(bars(half)[0].get("width")) == pytest.approx(float(bars(full)[0].get("width")) / 2)


def test_a_zero_draws_no_bar_but_says_zero() -> None:
    root = parse(bar_chart(["none"], [0], title="t", unit=""))
    assert not bars(root) and "0" in texts(root)


@pytest.mark.parametrize(
    ("unit", "expected"), [("%", "37.5%"), ("", "37.5"), ("people", "37.5 people")]
)
def test_values_are_written_with_their_unit(unit, expected) -> None:
    assert expected in texts(parse(bar_chart(["a"], [37.5], title="t", unit=unit)))


def test_every_value_is_in_the_description() -> None:
    desc = parse(sample_bar()).find(f"{SVG}desc").text
    assert all(part in desc for part in ("Paid: 60%", "Not paid: hidden", "Debt: 40%"))


def test_an_empty_bar_chart_says_there_is_no_data() -> None:
    assert "No data" in texts(parse(bar_chart([], [], title="t")))


@pytest.mark.parametrize(
    ("labels", "values", "kwargs"),
    [
        (["a", "b"], [1], {}),
        (["a"], [-1], {}),
        (["a"], [math.inf], {}),
        (["a"], [1], {"max_value": 0}),
    ],
)
def test_unusable_bar_input_is_refused_with_a_value_error(labels, values, kwargs) -> None:
    with pytest.raises(ValueError):
        bar_chart(labels, values, title="t", **kwargs)


def test_a_line_chart_draws_each_series_with_a_legend_and_its_own_dashes_and_markers() -> None:
    root = parse(sample_line())
    assert {"NPMI", "diversity", "stability"} <= set(texts(root))
    lines = [
        node for node in root.iter(f"{SVG}polyline") if node.get("class").startswith("chart-line")
    ]
    styles = {(node.get("stroke"), node.get("stroke-dasharray")) for node in lines}
    assert len(styles) == 3
    shapes = {
        node.tag for node in root.iter() if (node.get("class") or "").startswith("chart-point")
    }
    assert len(shapes) == 3


def test_a_missing_value_breaks_the_line_and_has_no_marker() -> None:
    root = parse(
        line_chart([1, 2, 3, 4, 5], {"s": [1, 2, None, 4, 5]}, title="t", x_label="x", y_label="y")
    )
    plotted = [n for n in root.iter(f"{SVG}polyline") if "chart-series-0" in n.get("class")]
    # two runs in the plot plus one sample line in the legend
    assert sorted(len(n.get("points").split()) for n in plotted) == [2, 2, 2]
    points = [n for n in root.iter() if "chart-point" in (n.get("class") or "")]
    assert len(points) == 4 + 1  # four values plus the legend marker


def test_points_are_placed_to_scale_on_numeric_x() -> None:
    root = parse(line_chart([0, 1, 4], {"s": [0, 0, 0]}, title="t", x_label="x", y_label="y"))
    xs = [float(n.get("cx")) for n in root.iter(f"{SVG}circle")][:3]
    assert (xs[1] - xs[0]) * 4 == pytest.approx(xs[2] - xs[0])


def test_higher_values_are_drawn_higher() -> None:
    root = parse(line_chart([1, 2], {"s": [0.2, 0.9]}, title="t", x_label="x", y_label="y"))
    low, high = [float(n.get("cy")) for n in root.iter(f"{SVG}circle")][:2]
    assert high < low  # SVG y grows downwards


def test_the_chosen_x_is_marked_and_described() -> None:
    root = parse(sample_line())
    assert [n for n in root.iter(f"{SVG}line") if n.get("class") == "chart-mark"]
    assert "chosen: 7" in texts(root)
    assert "Chosen: topics (k) = 7" in root.find(f"{SVG}desc").text


def test_the_line_description_lists_every_value() -> None:
    desc = parse(sample_line()).find(f"{SVG}desc").text
    assert "NPMI: 5: 0.1, 6: -0.05, 7: 0.2, 8: missing." in desc
    assert "diversity: 5: 0.9" in desc


def test_a_series_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="series 's'"):
        line_chart([1, 2], {"s": [1]}, title="t", x_label="x", y_label="y")


def test_two_different_charts_get_different_ids() -> None:
    first = parse(bar_chart(["a"], [1], title="one")).find(f"{SVG}title").get("id")
    second = parse(bar_chart(["a"], [1], title="two")).find(f"{SVG}title").get("id")
    assert first != second


def test_the_standard_library_parser_reads_a_chart_too() -> None:
    from xml.dom.minidom import parseString

    assert parseString(sample_line()).documentElement.tagName == "svg"  # noqa: S318
