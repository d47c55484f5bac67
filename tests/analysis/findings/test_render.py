"""The rendered report, read back as readers' software reads it: HTML, Markdown and DOCX."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import zipfile

import docx
import pytest
from lxml import html as lxml_html
from PIL import Image

from analysis.findings import build, to_docx, to_html, to_markdown
from analysis.findings.png import WIDTH, bar_chart_png
from analysis.findings.snapshot import FrequencyFacts, FrequencyRow, QuoteFacts, fingerprint
from tests.analysis.findings.readers import FORMATS, markdown_tokens
from tests.analysis.findings.sample import sample_snapshot

FORMAT_NAMES = sorted(FORMATS)
COUNT_HEADERS = {
    "Respondents in group",
    "With the theme",
    "Respondents",
    "Choices",
    "Completed responses",
    "Respondents with both",
}
HOSTILE = (
    "# Not a heading\n\n<script>alert(1)</script> <b>bold</b> &amp; "
    "[click](javascript:alert(1)) **strong** `code` | pipe |\n"
    "    indented\n1. not a list\n- not a bullet\n> not a quote\n<img src=x onerror=alert(1)>"
)


def with_theme(snapshot, index, **changes):
    themes = list(snapshot.themes)
    themes[index] = dataclasses.replace(themes[index], **changes)
    return dataclasses.replace(snapshot, themes=tuple(themes))


def planted():
    """A snapshot whose small counts are numbers that appear nowhere else (3 and 7)."""
    snapshot = sample_snapshot()
    snapshot = with_theme(snapshot, 1, respondents=7)
    question = FrequencyFacts(
        "believed",
        "Did the police believe you?",
        False,
        (
            FrequencyRow("Yes", 15),
            FrequencyRow("Partly", 11),
            FrequencyRow("No", 31),
            FrequencyRow("Prefer not to say", 3, True),
        ),
        60,
    )
    study = dataclasses.replace(
        snapshot.study, months=(("2026-09", 7), ("2026-10", 41), ("2026-11", 12))
    )
    return dataclasses.replace(snapshot, questions=(question,), study=study)


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_every_chosen_theme_and_quote_appears(kind):
    snapshot = sample_snapshot()
    read = FORMATS[kind](build(snapshot))
    for theme in snapshot.themes:
        assert theme.name in read.text
        assert theme.definition in read.text
        for quote in theme.quotes:
            assert quote.text in read.text
    assert "No quotes were chosen for this theme." in read.text


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_no_count_under_k_appears(kind):
    read = FORMATS[kind](build(planted()))
    assert not re.search(r"(?<![\w.,-])[37](?![\w.,%-])", read.text), "a small count is shown"
    checked = 0
    for table in read.tables:
        header = [h.strip() for h in table[0]]
        for row in table[1:]:
            for column, cell in zip(header, row):
                if column in COUNT_HEADERS:
                    checked += 1
                    value = cell.strip()
                    assert value == "hidden" or int(value.replace(",", "")) in {0} | set(
                        range(10, 10**6)
                    ), f"{column}: {value}"
    assert checked >= 10


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_a_theme_under_k_shows_fewer_than_k_and_no_share(kind):
    read = FORMATS[kind](build(sample_snapshot()))
    line = next(s for s in read.text.split("\n") if "Respondents with this theme: fewer" in s)
    assert "fewer than 10 of 60" in line and "%" not in line


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_a_study_under_k_shows_no_numbers(kind):
    snapshot = sample_snapshot()
    study = dataclasses.replace(snapshot.study, responses=8, months=(("2026-10", 8),))
    read = FORMATS[kind](build(dataclasses.replace(snapshot, study=study)))
    findings = read.text.split("Methods")[0]
    assert "fewer than 10 completed responses" in findings
    assert not re.search(
        r"\d",
        findings.replace("fewer than 10", "")
        .replace("1.2", "")
        .replace("27 November 2026", "")
        .replace("2026", ""),
    ), "a number is shown before the methods"
    assert "She gave me tea" not in read.text


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_typed_markup_stays_text(kind):
    snapshot = with_theme(sample_snapshot(), 0, narrative=HOSTILE, name="<i>Kind</i> # | x")
    read = FORMATS[kind](build(snapshot))
    for paragraph in HOSTILE.split("\n\n"):
        for line in paragraph.split("\n"):
            assert line.strip() in read.text
    assert "<i>Kind</i> # | x" in read.text
    if kind == "html":
        assert not re.search(r"<(script|img|b|i)\b", read.raw)
    if kind == "markdown":
        headings = [line for line in read.raw.split("\n") if line.startswith("# ")]
        assert headings == ["# What survivors told us"]


def test_markdown_escaping_makes_no_markup_at_all():
    snapshot = with_theme(sample_snapshot(), 0, narrative=HOSTILE, quotes=())
    markdown = to_markdown(build(snapshot))
    tokens = markdown_tokens(markdown)
    kinds = {token.type for token in tokens}
    assert not kinds & {
        "html_inline",
        "html_block",
        "link_open",
        "image",
        "code_block",
        "code_inline",
        "ordered_list_open",
        "strong_open",
        "em_open",
    }
    # The only block quotes are quotes, and only the sample has none left: none at all.
    assert "blockquote_open" not in kinds


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_a_very_long_narrative_is_kept_whole(kind):
    narrative = ("word " * 20_000).strip()
    read = FORMATS[kind](build(with_theme(sample_snapshot(), 0, narrative=narrative)))
    assert narrative in read.text


@pytest.mark.parametrize(
    "render", [to_html, to_markdown, to_docx], ids=["html", "markdown", "docx"]
)
def test_the_same_snapshot_gives_the_same_bytes(render):
    assert render(build(sample_snapshot())) == render(build(sample_snapshot()))


def test_docx_bytes_do_not_depend_on_the_clock(monkeypatch):
    first = to_docx(build(sample_snapshot()))
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400 * 400)
    monkeypatch.setattr(time, "localtime", lambda *a: time.gmtime(real() + 86_400 * 400))
    assert to_docx(build(sample_snapshot())) == first
    entries = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert {entry.date_time for entry in entries} == {(1980, 1, 1, 0, 0, 0)}
    core = docx.Document(io.BytesIO(first)).core_properties
    assert core.created.date().isoformat() == "2026-11-27" == core.modified.date().isoformat()


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_the_fingerprint_is_printed(kind):
    snapshot = sample_snapshot()
    assert fingerprint(snapshot) in FORMATS[kind](build(snapshot)).text


def test_html_charts_have_alt_text_and_the_table_beside_them():
    root = lxml_html.document_fromstring(to_html(build(sample_snapshot())))
    svgs = root.xpath("//*[local-name()='svg']")
    assert len(svgs) == 1
    svg = svgs[0]
    assert svg.get("role") == "img"
    title = svg.xpath("./*[local-name()='title']")[0].text_content()
    desc = svg.xpath("./*[local-name()='desc']")[0].text_content()
    assert "Did the police believe you?" in title and "Yes 25%" in desc and "Partly hidden" in desc
    table = svg.getparent().getnext()
    assert table.tag == "table"
    rows = [[cell.text_content() for cell in row.iter("th", "td")] for row in table.iter("tr")]
    assert ["Yes", "15", "25%"] in rows and ["Partly", "hidden", "hidden"] in rows


def test_docx_charts_are_images_with_alt_text_and_a_table():
    document = docx.Document(io.BytesIO(to_docx(build(sample_snapshot()))))
    shapes = document.inline_shapes
    assert len(shapes) == 1
    descr = shapes[0]._inline.docPr.get("descr")
    assert "Yes 25%" in descr and "Partly hidden" in descr
    embed = shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    image = Image.open(io.BytesIO(document.part.related_parts[embed].blob))
    assert image.format == "PNG" and image.width == WIDTH
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert ["Yes", "15", "25%"] in rows and ["Partly", "hidden", "hidden"] in rows


def test_docx_uses_real_headings_tables_and_quotes():
    snapshot = sample_snapshot()
    document = docx.Document(io.BytesIO(to_docx(build(snapshot))))
    headings = [
        (p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")
    ]
    assert headings[0] == ("Heading 1", "What survivors told us")
    assert ("Heading 2", "Treated with kindness") in headings
    assert ("Heading 3", "By Gender") in headings
    assert [name for name, _ in headings].count("Heading 1") == 1
    quote = next(p for p in document.paragraphs if p.style.name == "Quote")
    assert quote.text == snapshot.themes[0].quotes[0].text
    assert quote.runs[0]._r.xpath("./w:rPr/w:lang/@w:val") == ["en"]
    for table in document.tables:
        assert table.rows[0]._tr.xpath("./w:trPr/w:tblHeader")
        assert table._tbl.xpath("./w:tblPr/w:tblCaption/@w:val")


def test_the_html_page_is_accessible_and_self_contained():
    page = to_html(build(sample_snapshot()))
    root = lxml_html.document_fromstring(page)
    assert root.get("lang") == "en"
    assert root.find("head/title").text_content().strip()
    assert len(root.findall(".//h1")) == 1
    levels = [int(node.tag[1]) for node in root.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in itertools.pairwise(levels))
    tables = root.findall(".//table")
    assert tables and all(table.find("caption") is not None for table in tables)
    assert all(th.get("scope") in {"col", "row"} for th in root.iter("th"))
    assert (
        not root.findall(".//script") and not root.findall(".//link") and not root.findall(".//img")
    )
    assert not re.search(r"""(src|href)\s*=""", page)
    assert "@media print" in page
    quote = root.find(".//blockquote")
    assert quote.get("lang") == "en"


def test_a_quote_in_another_language_is_tagged():
    quote = QuoteFacts("seg-2", "Më ndihmuan.", "What went well?", "sq")
    snapshot = with_theme(sample_snapshot(), 0, quotes=(quote,))
    page = to_html(build(snapshot))
    assert '<blockquote lang="sq">' in page
    assert "(language: sq)" in to_markdown(build(snapshot))


def test_the_png_decodes_at_its_size_and_grows_a_row_per_bar():
    def size(labels):
        image = Image.open(io.BytesIO(bar_chart_png(labels, [5.0] * len(labels), title="T")))
        image.load()
        assert image.format == "PNG" and image.mode == "RGB"
        return image.size

    one, two, five = size(["A"]), size(["A", "B"]), size(list("ABCDE"))
    row = two[1] - one[1]
    assert one[0] == two[0] == five[0] == WIDTH
    assert row > 20 and five[1] - two[1] == 3 * row
    assert bar_chart_png(["A"], [1.0], title="T") == bar_chart_png(["A"], [1.0], title="T")


def test_a_hidden_bar_is_not_drawn():
    def blue_rows(values):
        data = bar_chart_png(["A", "B"], values, title="T")
        image = Image.open(io.BytesIO(data)).convert("RGB")
        blue = (29, 112, 184)
        return {
            y
            for y in range(image.height)
            if any(image.getpixel((x, y)) == blue for x in range(0, WIDTH, 4))
        }

    both, first_only = blue_rows([50.0, 50.0]), blue_rows([50.0, None])
    assert first_only and first_only < both
    assert min(both - first_only) > max(first_only), "the second bar is gone, not the first"


@pytest.mark.parametrize("kind", FORMAT_NAMES)
def test_the_methods_say_what_the_topic_model_suggested(kind):
    snapshot = sample_snapshot()
    text = " ".join(FORMATS[kind](build(snapshot)).text.split())
    for terms in snapshot.methods.topic_fits[0].suggested:
        assert terms in text
    assert "4 of its topics name no word" in text  # 6 topics, 2 with words shown
