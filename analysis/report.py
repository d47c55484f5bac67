"""Write a fitted topic model up as one self-contained, accessible HTML page.

The page is a file an analyst keeps beside a spreadsheet: it loads nothing
(no script, no fonts, no images; its style is inline), every piece of text on
it passes through :func:`html.escape`, and its tables have captions and header
scopes for screen readers. It quotes answers, so it says to keep it as safely
as the data it came from.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from analysis.themes import quote

__all__ = ["prevalence", "topics_report_html"]

_STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 60rem;
       padding: 1rem; color: #0b0c0c; background: #fff; }
table { border-collapse: collapse; margin: 0 0 1.5rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #b1b4b6; padding: 0.25rem 0.5rem; text-align: left;
         vertical-align: top; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.chosen { font-weight: bold; background: #f3f2f1; }
blockquote { margin: 0.5rem 0; padding-left: 0.75rem; border-left: 4px solid #b1b4b6; }
.note { border: 2px solid #0b0c0c; padding: 0.5rem 0.75rem; }
section { border-top: 1px solid #b1b4b6; margin-top: 1.5rem; }
"""


def prevalence(shares: np.ndarray) -> np.ndarray:
    """Return each topic's mean share over the documents that have counted words.

    Parameters
    ----------
    shares : array of shape (n_documents, n_topics)
        Rows sum to 1, or to 0 for a document with no counted words.

    Returns
    -------
    numpy.ndarray of shape (n_topics,)
        Sums to 1 (all zeros when no document has counted words).

    Examples
    --------
    >>> prevalence(np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 0.0]])).tolist()
    [0.75, 0.25]
    """
    shares = np.asarray(shares, dtype=float)
    counted = shares[shares.sum(axis=1) > 0]
    if not len(counted):
        return np.zeros(shares.shape[1])
    return counted.mean(axis=0)


def topics_report_html(
    model: Any, texts: Sequence[str], shares: np.ndarray, *, title: str, source_name: str
) -> str:
    """Return a self-contained HTML page describing a fitted topic model.

    Parameters
    ----------
    model : analysis.topics.TopicModel
        Fitted on `texts`.
    texts : sequence of str
        The documents the model was fitted on; three typical ones are quoted per topic.
    shares : array of shape (n_documents, n_topics)
        Topic shares of each document (``model.transform(texts)``).
    title : str
        The page's title and first heading.
    source_name : str
        Where the texts came from (a file name, a column), shown as given.

    Returns
    -------
    str
        The page: no script, no external asset, every text escaped.
    """
    shares = np.asarray(shares, dtype=float)
    counted = int((shares.sum(axis=1) > 0).sum())
    sections = [
        _note(),
        _corpus(len(texts), counted, len(model.terms_), source_name),
        _parameters(model),
        _selection(getattr(model, "selection_", None)),
        _topics(model, texts, prevalence(shares)),
        _versions(getattr(model, "versions_", {}) or {}),
    ]
    body = "\n".join(part for part in sections if part)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"<h1>{_e(title)}</h1>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _e(value: object) -> str:
    """Return any value as escaped HTML text."""
    return html.escape(str(value), quote=True)


def _number(value: object, digits: int = 3) -> str:
    """Return a table cell holding a number, or "–" for a missing one."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return '<td class="number">–</td>'
    if isinstance(value, float | np.floating):
        return f'<td class="number">{_e(f"{value:.{digits}f}")}</td>'
    return f'<td class="number">{_e(value)}</td>'


def _table(caption: str, headers: Iterable[str], rows: Iterable[str]) -> str:
    """Return a table with a caption, column headers and pre-rendered rows."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in headers)
    return (
        f"<table>\n<caption>{_e(caption)}</caption>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{''.join(rows)}</tbody>\n</table>"
    )


def _note() -> str:
    return (
        '<p class="note"><strong>This report quotes answers.</strong> Keep it as safely as the '
        "data it was made from, and check each quote before sharing it.</p>"
    )


def _corpus(documents: int, counted: int, vocabulary: int, source_name: str) -> str:
    rows = [
        f'<tr><th scope="row">{_e(label)}</th>{_number(value)}</tr>\n'
        for label, value in (
            ("Documents", documents),
            ("Documents with words the model counts", counted),
            ("Documents with none (no topic)", documents - counted),
            ("Words and phrases in the vocabulary", vocabulary),
        )
    ]
    return (
        f"<section>\n<h2>The text</h2>\n<p>Source: {_e(source_name)}</p>\n"
        f"{_table('Corpus size', ['Measure', 'Count'], rows)}\n</section>"
    )


def _parameters(model: Any) -> str:
    params = model.get_params()
    rows = [
        f'<tr><th scope="row">{_e(name)}</th><td>{_e(params[name])}</td></tr>\n'
        for name in sorted(params)
    ]
    rows.insert(0, f'<tr><th scope="row">topics found</th><td>{_e(model.n_topics_)}</td></tr>\n')
    diversity = getattr(model, "diversity_", None)
    if diversity is not None:
        rows.insert(1, f'<tr><th scope="row">diversity</th>{_number(float(diversity))}</tr>\n')
    return (
        "<section>\n<h2>How the model was made</h2>\n"
        f"{_table('Parameters', ['Parameter', 'Value'], rows)}\n</section>"
    )


def _selection(selection: dict | None) -> str:
    """Return the table of the candidate numbers of topics, when k was chosen automatically."""
    if not selection:
        return ""
    columns = [c for c in ("coherence", "diversity", "stability") if c in selection]
    rows = []
    for i, k in enumerate(selection.get("k", [])):
        chosen = k == selection.get("chosen")
        cells = "".join(_number(_at(selection[c], i)) for c in columns)
        mark = ' class="chosen"' if chosen else ""
        label = f"{k} (chosen)" if chosen else str(k)
        rows.append(f'<tr{mark}><th scope="row">{_e(label)}</th>{cells}</tr>\n')
    headers = ["Topics (k)", *(c.capitalize() for c in columns)]
    rule = f"<p>Rule: {_e(selection['rule'])}</p>\n" if selection.get("rule") else ""
    return (
        "<section>\n<h2>Choosing the number of topics</h2>\n"
        f"{rule}{_table('Candidates compared', headers, rows)}\n</section>"
    )


def _at(values: Sequence[Any], i: int) -> float | None:
    value = values[i] if i < len(values) else None
    return None if value is None else float(value)


def _topics(model: Any, texts: Sequence[str], shares: np.ndarray) -> str:
    terms = model.top_terms(n=10)
    quotes = model.representative_documents(texts, n=3)
    coherence = getattr(model, "coherence_", None)
    rows, details = [], []
    for topic in range(int(model.n_topics_)):
        npmi = None if coherence is None else float(coherence[topic])
        rows.append(
            f'<tr><th scope="row">{topic}</th><td>{_e(", ".join(terms[topic]))}</td>'
            f"{_number(npmi)}{_number(float(shares[topic]))}</tr>\n"
        )
        examples = [quote(texts[i]) for i in quotes[topic] if texts[i].strip()]
        cited = "".join(f"<blockquote><p>{_e(q)}</p></blockquote>\n" for q in examples)
        details.append(
            f"<h3>Topic {topic}: {_e(', '.join(terms[topic][:3]))}</h3>\n"
            f"{cited or '<p>No typical answer to quote.</p>'}"
        )
    table = _table("Topics", ["Topic", "Top terms", "NPMI", "Prevalence"], rows)
    return (
        "<section>\n<h2>Topics</h2>\n<p>NPMI is the coherence of the top ten terms "
        "(from -1 to 1; higher means the terms occur together more often than by chance). "
        "Prevalence is the mean share of the topic over the documents with counted words."
        f"</p>\n{table}\n<h2>Typical answers</h2>\n{''.join(details)}</section>"
    )


def _versions(versions: dict) -> str:
    if not versions:
        return ""
    items = "".join(f"<li>{_e(lib)} {_e(ver)}</li>" for lib, ver in sorted(versions.items()))
    return f"<section>\n<h2>Software</h2>\n<ul>{items}</ul>\n</section>"
