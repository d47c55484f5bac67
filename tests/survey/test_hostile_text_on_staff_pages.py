"""Hostile text stored through real forms never renders as markup on a staff page (issue 9, item 4).

In the world of test_route_inventory_world.py, study A gets a new published
version whose title and labels are hostile (through the studio's edit form),
a respondent answers it through the survey pages (free text and a
self-described answer), and an administrator stores hostile code names,
definitions, a memo, a segment memo and a study title through the staff forms.
Then every staff page of the route inventory, a topic fit over the new
answers and the HTML codebook of an export are parsed with lxml: no payload
ever becomes an element or an attribute, each payload is on the pages that
show it as text, and ``{{7*7}}`` is shown as written, never as 49.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import pytest
import yaml
from lxml import html as lxml_html
from sqlalchemy import select

from survey.extensions import db
from survey.models import CodingDocument, Study
from survey.web.headers import INLINE_CSS
from tests.factories import instrument_yaml
from tests.survey.analysis.helpers import start as start_job
from tests.survey.journey import Respondent
from tests.survey.test_hostile_input import client_of
from tests.survey.test_route_inventory import SAMPLES
from tests.survey.test_route_inventory_world import FORMS, Site, fill, sites

ACTOR = "admin@own"
SCRIPT = '<script>alert("hx1")</script>'
IMAGE = '<img src=x onerror=alert("hx2")>'
SVG = '"><svg onload=alert("hx3")>'
SUM = "T{{7*7}}T"
RAW = "{% raw %}hx4{% endraw %}"
STORY = f"{IMAGE} {SUM}"  # the story may be 50 characters long
DESCRIBED = f"{SVG}{SUM}"
FORBIDDEN_TAGS = {"img", "svg", "iframe", "math", "object", "embed", "style"}
# The analysis charts are SVG the server draws (analysis.charts escapes every label).
CHART = "figure[contains(concat(' ', @class, ' '), ' chart ')]"
# What each payload was stored as, to find it again as text.
TITLE = f"Study {SCRIPT}{SUM}"
CODE_NAME = f"Code {IMAGE}"
DEFINITION = f"{SVG} {SUM} {RAW}"
MEMO = f"{SCRIPT} {IMAGE} {SUM}"
LABEL = f"Tell us more {IMAGE} {SUM}"


def hostile_yaml() -> str:
    """Return study A's instrument: hostile title and labels, an item to describe oneself in."""
    document = yaml.safe_load(instrument_yaml(version="hx"))
    document["title"] = f"Survey {SCRIPT} {SUM}"
    about = document["sections"][0]["items"]
    about[1]["label"] = LABEL
    about.append({"id": "gender", "type": "single_choice", "label": f"Gender {SVG}",
                  "self_describe": "other",
                  "choices": [{"value": "woman", "label": "Woman"},
                              {"value": "other", "label": f"Another way {SCRIPT}"}]})  # fmt: skip
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


def post(site: Site, path: str, data: dict) -> int:
    """POST `data` as the administrator with a token; return the status."""
    response = client_of(site, ACTOR).post(path, data={**data, "csrf_token": site.tokens[ACTOR]})
    assert response.status_code < 400, (path, response.status_code, response.text[:600])
    return response.status_code


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The world, with hostile text stored in study A through the forms."""
    for built in sites(tmp_path_factory.mktemp("hostile-pages")):
        ids = built.ids["own"]
        studio = f"/studio/studies/{ids['slug']}"
        post(built, f"{studio}/edit", {"source": hostile_yaml()})
        post(built, f"{studio}/publish", {})
        person = Respondent(built.app.test_client(), ids["slug"])
        person.begin()
        person.answer({"contact_kind": "called", "story": STORY, "gender": "other",
                       "gender__text": DESCRIBED})  # fmt: skip
        assert "/section/" in person.path, person.html[:2000]
        person.answer({}, action="skip")
        person.answer({})
        assert person.submit().status_code == 200 and person.phrase()
        coding = f"/coding/{ids['slug']}"
        post(built, f"{coding}/codebook/new", {"name": CODE_NAME, "kind": "code",
                                              "definition": DEFINITION})  # fmt: skip
        post(built, f"{coding}/memos", {"target": "study", "text": MEMO})
        seg = built.per_role["own"]["admin"]["seg"]
        post(built, f"{coding}/segments/{seg}", {"memo": MEMO})
        settings = {key: fill(built, _sample("studio.settings"), value, ACTOR)
                    for key, value in FORMS["studio.settings"].items()}  # fmt: skip
        post(built, f"{studio}/settings", {**settings, "title": TITLE})
        yield built


def _sample(endpoint: str):
    return next(sample for sample in SAMPLES if sample.endpoint == endpoint)


def markup_from_payloads(page: str, own_style: bool = False) -> list[str]:
    """Return what in `page` is markup a payload could have made (an empty list if none).

    With `own_style`, the page may carry its own style sheet in its head (a file, not a
    page the app serves under its CSP).
    """
    tree = lxml_html.document_fromstring(page)
    found = []
    for style in tree.findall("./head/style"):  # respondent pages carry heard.css inline
        if style.text == INLINE_CSS:
            style.drop_tree()
    if own_style:
        styles = tree.findall(".//style")
        assert [style.getparent().tag for style in styles] == ["head"], "one style, in the head"
        styles[0].drop_tree()
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in FORBIDDEN_TAGS and not (element.tag == "svg" and chart(element)):
            found.append(f"<{element.tag}>")
        if element.tag == "script" and (not element.get("src") or (element.text or "").strip()):
            found.append("inline <script>")
        for name, value in element.attrib.items():
            if name.lower().startswith("on") or value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def chart(element) -> bool:
    """Return True for an SVG drawn as a chart by the server (the child of a chart figure)."""
    return bool(element.xpath(f"parent::{CHART}"))


def shown(page: str) -> str:
    """Return the text of `page` as a person reads it (attributes and markup left out)."""
    return lxml_html.document_fromstring(page).text_content()


def check(page: str, where: str, own_style: bool = False) -> None:
    """Assert no payload made markup in `page` and no template ran."""
    assert not markup_from_payloads(page, own_style), (where, markup_from_payloads(page))
    assert "T49T" not in page, where


STAFF_PAGES = [sample for sample in SAMPLES if sample.method == "GET" and not
               sample.endpoint.startswith(("respond.", "static", "health."))]  # fmt: skip


def test_no_staff_page_renders_stored_text_as_markup(site: Site):
    payloads = (SCRIPT, IMAGE, SVG, TITLE, CODE_NAME, DEFINITION, MEMO, LABEL, STORY, DESCRIBED)
    seen = set()
    paths = {sample.id: fill(site, sample, sample.path, ACTOR) for sample in STAFF_PAGES}
    slug = site.ids["own"]["slug"]  # and the documents of the hostile answers
    paths |= {guid: f"/coding/{slug}/documents/{guid}" for guid in documents(site)}
    for where, path in paths.items():
        response = client_of(site, ACTOR).get(path)
        assert response.status_code < 500, where
        if "text/html" not in response.content_type:
            continue
        page = response.get_data(as_text=True)
        check(page, where)
        text = shown(page)
        seen |= {payload for payload in payloads if payload in text}
        if SUM in page:
            assert SUM in text, where  # as text, not inside a tag where it could run
    assert seen == set(payloads), set(payloads) - seen  # each was on some page, as text


def test_the_pages_that_show_each_text_show_it_as_text(site: Site):
    ids = site.ids["own"]
    slug, coding = ids["slug"], f"/coding/{ids['slug']}"
    pages = {
        f"/studio/studies/{slug}": (TITLE,),
        f"{coding}/codebook": (CODE_NAME, DEFINITION),
        f"{coding}/documents": (),
        **{f"{coding}/documents/{guid}": (text,) for guid, text in documents(site).items()},
        f"/analysis/{slug}/words?q=onerror": (),
    }
    for path, texts in pages.items():
        response = client_of(site, ACTOR).get(path)
        assert response.status_code < 400, (path, response.status_code)
        page = response.get_data(as_text=True)
        check(page, path)
        for text in texts:
            assert text in shown(page), (path, text)


def documents(site: Site) -> dict[str, str]:
    """Return the GUIDs of the coding documents of the hostile answers, with their text."""
    with site.app.app_context():
        rows = db.session.execute(select(CodingDocument.public_id, CodingDocument.text)).all()
    found = {guid: text for guid, text in rows if text in (STORY, DESCRIBED)}
    assert sorted(found.values()) == sorted((STORY, DESCRIBED)), found
    return found


def test_a_topic_fit_over_hostile_answers_shows_no_markup(site: Site):
    with site.app.app_context():
        study_id = db.session.scalar(select(Study.id).where(Study.slug == site.ids["own"]["slug"]))
    job = start_job(site.app, study_id, "topics", {"item_id": "story", "n_topics": 2, "seed": 3})
    response = client_of(site, ACTOR).get(f"/analysis/{site.ids['own']['slug']}/topics/{job[1]}")
    assert response.status_code == 200, response.status_code
    check(response.get_data(as_text=True), "topic fit")


def test_the_exported_html_codebook_shows_labels_as_text(site: Site):
    slug = site.ids["own"]["slug"]
    response = client_of(site, ACTOR).post(
        f"/studio/studies/{slug}/export",
        data={"format": "csv", "csrf_token": site.tokens[ACTOR]},
    )
    assert response.status_code == 200, response.status_code
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    (name,) = [n for n in archive.namelist() if n.endswith("codebook.html")]
    page = archive.read(name).decode("utf-8")
    check(page, name, own_style=True)
    assert LABEL in shown(page)
    assert SUM in shown(page)
