"""The HTML topic report: self-contained, escaped, accessible, and true to the model."""

from __future__ import annotations

import doctest

import numpy as np
import pytest
from lxml import html as lxml_html

from analysis import report
from analysis.report import prevalence, topics_report_html
from tests.analysis.test_themes import corpus

HOSTILE = '<script>alert("x")</script> & <b>bold</b>'


@pytest.fixture(scope="module")
def fitted():
    from analysis.topics import TopicModel

    texts, _ = corpus()
    texts = [f"{text} {HOSTILE}" for text in texts]
    model = TopicModel(n_topics=3, random_state=0).fit(texts)
    return model, texts, model.transform(texts)


@pytest.fixture(scope="module")
def page(fitted) -> str:
    model, texts, shares = fitted
    return topics_report_html(
        model, texts, shares, title="Topics <in> q5", source_name="answers & notes.csv"
    )


def test_the_examples_in_the_docstrings_run() -> None:
    assert doctest.testmod(report).failed == 0


@pytest.mark.parametrize(
    ("shares", "expected"),
    [
        ([[1.0, 0.0], [0.0, 1.0]], [0.5, 0.5]),
        ([[0.2, 0.8], [0.0, 0.0], [0.6, 0.4]], [0.4, 0.6]),
        ([[0.0, 0.0]], [0.0, 0.0]),
    ],
)
def test_prevalence_is_the_mean_share_over_documents_with_words(shares, expected) -> None:
    assert prevalence(np.array(shares)) == pytest.approx(expected)


def test_the_page_loads_nothing_and_runs_nothing(page) -> None:
    tree = lxml_html.document_fromstring(page)
    assert tree.xpath("//script | //link | //img | //iframe | //object") == []
    assert not [a for a in tree.xpath("//@src | //@href") if "//" in a]
    assert "@import" not in page and "url(" not in page


def test_every_text_on_the_page_is_escaped(page) -> None:
    assert "<script>" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<title>Topics &lt;in&gt; q5</title>" in page
    assert "answers &amp; notes.csv" in page


def test_the_page_has_a_language_one_heading_and_captioned_tables(page) -> None:
    tree = lxml_html.document_fromstring(page)
    assert tree.get("lang") == "en"
    assert len(tree.xpath("//h1")) == 1
    tables = tree.xpath("//table")
    assert tables and all(t.xpath("caption") for t in tables)
    assert all(th.get("scope") in ("col", "row") for th in tree.xpath("//th"))


def test_each_topic_shows_its_terms_npmi_and_prevalence(fitted, page) -> None:
    model, _, shares = fitted
    tree = lxml_html.document_fromstring(page)
    rows = tree.xpath("//table[caption='Topics']/tbody/tr")
    assert len(rows) == model.n_topics_
    share = prevalence(shares)
    for topic, row in enumerate(rows):
        cells = [c.text_content() for c in row.xpath("td")]
        assert cells[0] == ", ".join(model.top_terms(n=10)[topic])
        assert float(cells[1]) == pytest.approx(model.coherence_[topic], abs=5e-4)
        assert float(cells[2]) == pytest.approx(share[topic], abs=5e-4)


def test_each_topic_quotes_its_three_most_typical_answers(fitted, page) -> None:
    model, texts, _ = fitted
    tree = lxml_html.document_fromstring(page)
    quoted = [q.text_content() for q in tree.xpath("//blockquote")]
    best = model.representative_documents(texts, n=3)
    assert quoted == [" ".join(texts[i].split()) for topic in best for i in topic]


def test_the_corpus_counts_every_document_and_those_without_words(fitted) -> None:
    model, texts, shares = fitted
    texts = [*texts, "the and of"]
    shares = np.vstack([shares, np.zeros(model.n_topics_)])
    tree = lxml_html.document_fromstring(
        topics_report_html(model, texts, shares, title="t", source_name="s")
    )
    rows = {
        r.xpath("th")[0].text_content(): r.xpath("td")[0].text_content()
        for r in tree.xpath("//table[caption='Corpus size']/tbody/tr")
    }
    assert rows["Documents"] == str(len(texts))
    assert rows["Documents with none (no topic)"] == "1"


def test_the_k_selection_table_appears_only_when_k_was_chosen_automatically(fitted, page) -> None:
    from analysis.topics import TopicModel

    assert "Candidates compared" not in page
    _, texts, _ = fitted
    auto = TopicModel(n_topics="auto", k_range=(2, 4), n_seeds=2, random_state=0).fit(texts)
    tree = lxml_html.document_fromstring(
        topics_report_html(auto, texts, auto.transform(texts), title="t", source_name="s")
    )
    rows = tree.xpath("//table[caption='Candidates compared']/tbody/tr")
    assert [r.xpath("th")[0].text_content().split()[0] for r in rows] == [
        str(k) for k in auto.selection_["k"]
    ]
    assert tree.xpath("//tr[@class='chosen']/th")[0].text_content() == (
        f"{auto.selection_['chosen']} (chosen)"
    )
