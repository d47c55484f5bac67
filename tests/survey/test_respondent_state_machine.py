"""The respondent's flow as a state machine: any order of steps keeps every saved page (issue 9).

Hypothesis drives one person through the tiny study with the Flask test
client: answering, going back, refreshing, re-posting, double posts, a second
tab, an expired session, save and resume in a fresh browser, the final submit
(sometimes with its reply lost), its replay, withdrawal and quick exit. A
model keeps what the person last saved per item; after every step the
database must hold exactly that, and the server session what the model says.

`HEARD_STATE_MACHINE_EXAMPLES=500` runs a longer search locally.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re

from flask import Flask
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Response, Submission, WebSession
from survey.models.studies import today
from survey.services import navigation, responses, web_sessions
from tests.factories import add_study, csrf_token, study, tiny_instrument
from tests.survey.journey import FORM_ACTION, PHRASE, SUBMIT_KEY, Respondent, step_path
from tests.survey.respondent_model import (
    PAGES,
    SKIPPABLE,
    SKIPPED,
    Draft,
    Post,
    Tab,
    final,
    page_answers,
    page_shown,
    row_id,
)

SETTINGS = settings(
    max_examples=int(os.environ.get("HEARD_STATE_MACHINE_EXAMPLES", "40")),
    stateful_step_count=25,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
SLUGS = itertools.count()
DONE = "Thank you. We have your answers."
ALREADY = "Your answers were already sent"
SAVED = "Your answers are saved"
EXPIRED = "This page has expired"
ENDED = "Your session has ended"
# Every step of the tiny study as stored ("page/about"), in order.
TOKENS = [f"{step.kind}/{step.key}" for step in navigation.all_steps(tiny_instrument())]


class RespondentFlow(RuleBasedStateMachine):
    """One person, one browser at a time, on the tiny study."""

    app: Flask

    @initialize()
    def open_the_study(self) -> None:
        """Publish a fresh study and open a browser on nothing yet."""
        self.slug = f"tiny-{next(SLUGS)}"
        self.study_id = add_study(self.app, slug=self.slug)
        self.drafts: dict[str, Draft] = {}
        self.gone: set[str] = set()
        self.ended_tokens: set[str] = set()
        self.finals: list[Post] = []
        self.last: Post | None = None
        self.fresh_browser()

    # The model of the server session. -----------------------------------

    def fresh_browser(self) -> None:
        """Forget the browser: a new client, its session not yet made."""
        self.client = self.app.test_client()
        self.generation = getattr(self, "generation", 0) + 1
        self.tabs = [Tab(generation=self.generation)]
        self.session_lost()

    def session_lost(self) -> None:
        """The server session is gone: forms rendered before fail their CSRF check."""
        self.generation += 1
        self.response: str | None = None
        self.submitted = False
        self.submit_key: str | None = None

    def token(self) -> str | None:
        """Return the browser's session token, if it has a cookie."""
        cookie = self.client.get_cookie(self.app.config["SESSION_COOKIE_NAME"])
        return cookie.value if cookie else None

    def server_session(self) -> dict | None:
        """Return what the server keeps for the browser's session."""
        token = self.token()
        with self.app.app_context():
            data = web_sessions.load_session(db.session, token) if token else None
            db.session.remove()
        return data

    # Requests. ----------------------------------------------------------

    def request(self, tab: Tab, method: str, path: str, data: dict | None = None):
        """Send a request from `tab`, follow redirects, refuse any 5xx, and show the result."""
        page = self.client.open(path, method=method, data=data, follow_redirects=True)
        for hop in (*page.history, page):
            assert hop.status_code < 500, (method, path, hop.status_code)
        tab.path, tab.html = page.request.path, page.get_data(as_text=True)
        tab.generation = self.generation
        tab.kind, tab.key = "none", ""
        base = f"/s/{self.slug}/"
        # The URL names a step by position only: the model knows pages by key.
        key = {step_path(self.slug, t): t.partition("/")[2] for t in TOKENS}.get(tab.path, "")
        if tab.path.startswith(base + "p/") and 'value="continue"' in tab.html:
            tab.kind, tab.key = "page", key
        elif tab.path.startswith(base + "section/") and 'value="skip"' in tab.html:
            tab.kind, tab.key = "section", key
        elif tab.path == base + "check" and SUBMIT_KEY.search(tab.html):
            tab.kind = "check"
            self.submit_key = SUBMIT_KEY.search(tab.html).group(1)
        return page

    def form(self, tab: Tab, fields: dict) -> tuple[str, dict]:
        """Return the target and the fields a browser posts from `tab`'s form."""
        target = FORM_ACTION.search(tab.html).group(1).replace("&amp;", "&")
        hidden = SUBMIT_KEY.search(tab.html)
        key = {"submit_key": hidden.group(1)} if hidden else {}
        return target, {"csrf_token": csrf_token(tab.html), **key, **fields}

    def post_from(self, tab: Tab, kind: str, fields: dict, expected=None) -> None:
        """Post `tab`'s form with `fields`."""
        target, data = self.form(tab, fields)
        self.post(tab, Post(kind, tab.key, target, data, tab.generation, expected or {}))

    def post(self, tab: Tab, post: Post) -> None:
        """Send `post` from `tab` and check it did what the model predicts."""
        outcome = self.predict(post)
        page = self.request(tab, "POST", post.target, post.data)
        html = tab.html
        if outcome == "csrf":
            assert page.status_code == 400 and EXPIRED in html
        elif outcome == "ended":
            assert page.status_code == 409 and ENDED in html
        elif outcome == "already":
            assert page.status_code == 200 and ALREADY in html and not PHRASE.search(html)
        elif outcome == "moved":
            assert page.history and page.history[0].status_code == 303, page.status_code
        elif outcome == "review":
            assert page.history and page.history[0].status_code == 303, page.status_code
            assert tab.kind == "check" and DONE not in html  # nothing sent: its answers shown
        elif outcome == "saved":
            assert SAVED in html
            draft = self.drafts[self.response]
            if draft.resume:
                draft.old_resumes.append(draft.resume)
            draft.resume, draft.resume_page = PHRASE.search(html).group(1), post.key
            self.response, self.submit_key = None, None
        elif outcome in ("done", "again"):
            assert page.status_code == 200 and DONE in html, html
            draft = self.drafts[self.response]
            phrase = PHRASE.search(html).group(1)
            if outcome == "again":
                assert phrase == draft.withdrawal  # the same phrase, shown once more
            draft.withdrawal, draft.withdrawal_seen = phrase, True
            self.response, self.submit_key, self.submitted = None, None, True
        self.last = post
        if post.kind == "check" and outcome in ("done", "again"):
            self.finals.append(post)

    def predict(self, post: Post) -> str:
        """Return what `post` must do, and change the model's answers as the server should."""
        if post.generation != self.generation:
            return "csrf"
        draft = self.drafts.get(self.response) if self.response else None
        if post.kind == "check":
            return self.predict_submit(post, draft)
        if draft is None:
            return "ended"
        if draft.completed:
            return "already"
        if post.kind == "section":
            if post.data["action"] == "skip":
                draft.saved.update(dict.fromkeys(SKIPPABLE[post.key], SKIPPED))
                draft.resume_page = None
            return "moved"
        if not page_shown(post.key, draft.saved):  # a stale tab: moved on, nothing kept
            return "moved"
        draft.saved.update(post.expected)
        draft.resume_page = None
        return "saved" if post.data["action"] == "save" else "moved"

    def predict_submit(self, post: Post, draft: Draft | None) -> str:
        """Return what a final submit must do: send once, or say it was already sent."""
        if draft is None:
            return "already" if self.submitted else "ended"
        if draft.completed:
            key = post.data.get("submit_key")
            return "again" if key and key == self.submit_key else "already"
        if self.submit_key is None:
            return "review"  # no "Check your answers" of this draft yet: not sent unseen
        draft.completed, draft.saved = True, final(draft.saved)
        return "done"

    # Rules. -------------------------------------------------------------

    def tabs_on(self, *kinds: str) -> list[Tab]:
        """Return the tabs whose page has a form of one of `kinds`."""
        return [tab for tab in self.tabs if tab.kind in kinds]

    @rule()
    def begin(self) -> None:
        """Open the study's link and go through start, safety and consent."""
        tab = self.tabs[0]
        self.request(tab, "GET", f"/s/{self.slug}")
        before = self.response
        for _ in range(3):
            if not re.search(r"/(s/[^/]+|safety|consent)$", tab.path) or "<form" not in tab.html:
                break
            target, data = self.form(tab, {"choice": "agree"})
            self.request(tab, "POST", target, data)
        if before is None:
            started = self.server_session()["response"]
            assert started not in self.drafts
            self.drafts[started], self.response = Draft(), started
            self.submitted, self.submit_key = False, None
            assert tab.path == step_path(self.slug, "page/about"), tab.path
        elif self.drafts.get(before) and self.drafts[before].completed:
            assert ALREADY in tab.html
        elif before not in self.drafts:
            assert ENDED in tab.html

    @precondition(lambda self: self.tabs_on("page", "section"))
    @rule(data=st.data(), action=st.sampled_from(["continue", "continue", "back", "save"]))
    def answer(self, data, action: str) -> None:
        """Answer the page a tab shows with drawn answers, and continue, go back or save."""
        self.answer_in(data.draw(st.sampled_from(self.tabs_on("page", "section"))), data, action)

    def answer_in(self, tab: Tab, data, action: str) -> None:
        """Answer `tab`'s page (a section opening: answer, skip or back)."""
        if tab.kind == "section":
            action = data.draw(st.sampled_from(["continue", "skip", "back"]))
            self.post_from(tab, "section", {"action": action})
            return
        fields, expected = data.draw(page_answers(tab.key))
        self.post_from(tab, "page", {**fields, "action": action}, expected)

    @precondition(lambda self: self.tabs_on("page", "section", "check"))
    @rule(data=st.data())
    def double_post(self, data) -> None:
        """Press the same button twice: two identical posts in a row."""
        tab = data.draw(st.sampled_from(self.tabs_on("page", "section", "check")))
        if tab.kind == "check":
            self.send_answers(tab)
        else:
            self.answer_in(tab, data, "continue")
        self.repost()

    @precondition(lambda self: self.last is not None)
    @rule()
    def repost(self) -> None:
        """Send the last post again, as a browser does on refreshing its result."""
        last = self.last
        self.post(Tab(), last)
        self.last = last

    @rule(index=st.integers(0, 1))
    def refresh(self, index: int) -> None:
        """Load the page a tab shows again."""
        tab = self.tabs[min(index, len(self.tabs) - 1)]
        if tab.path:
            self.request(tab, "GET", tab.path)

    @rule(where=st.sampled_from([*TOKENS, "check", "continue"]))
    def second_tab(self, where: str) -> None:
        """Open (or move) a second tab, sharing the cookie, on another page."""
        if len(self.tabs) == 1:
            self.tabs.append(Tab(generation=self.generation))
        path = step_path(self.slug, where) if "/" in where else f"/s/{self.slug}/{where}"
        self.request(self.tabs[1], "GET", path)

    @precondition(lambda self: self.tabs_on("check"))
    @rule(data=st.data(), lose_reply=st.booleans())
    def submit(self, data, lose_reply: bool) -> None:
        """Send the answers from "Check your answers"; maybe the reply and session save are lost."""
        tab = data.draw(st.sampled_from(self.tabs_on("check")))
        before, token = self.server_session(), self.token()
        if not (lose_reply and before):
            self.send_answers(tab)
            return
        shown = (tab.path, tab.html, tab.generation)
        model = (self.response, self.submitted, self.submit_key)
        self.send_answers(tab)
        with self.app.app_context():
            idle = self.app.config["HEARD_SESSION_IDLE_DAYS"]
            web_sessions.save_session(db.session, token, before, idle_days=idle)
            db.session.remove()
        tab.path, tab.html, tab.generation = shown  # the browser never saw the reply
        tab.kind = "check"
        self.response, self.submitted, self.submit_key = model
        if self.response in self.drafts and self.drafts[self.response].completed:
            self.drafts[self.response].withdrawal_seen = False

    def send_answers(self, tab: Tab) -> None:
        """Post `tab`'s check form."""
        self.post_from(tab, "check", {})

    @precondition(lambda self: self.finals)
    @rule(data=st.data())
    def replay_submit(self, data) -> None:
        """Send an earlier final submit again, with the same form and key."""
        self.post(Tab(), data.draw(st.sampled_from(self.finals)))

    @precondition(lambda self: self.token())
    @rule()
    def session_expires(self) -> None:
        """Let the browser's server session pass its expiry date."""
        token = self.token()
        with self.app.app_context():
            row = db.session.get(WebSession, row_id(token))
            if row is not None:
                row.expires_on = today() - dt.timedelta(days=1)
                db.session.commit()
            db.session.remove()
        self.session_lost()

    @rule(method=st.sampled_from(["GET", "POST"]))
    def quick_exit(self, method: str) -> None:
        """Press "Exit this page": the session ends and an unsaved draft goes."""
        token = self.token()  # live or expired: either way its row must go
        page = self.client.open("/x", method=method)
        assert page.status_code == (204 if method == "POST" else 303)
        draft = self.drafts.get(self.response) if self.response else None
        if draft is not None and not draft.completed and draft.resume is None:
            self.gone.add(self.response)
            del self.drafts[self.response]
        if token:
            self.ended_tokens.add(token)
        self.session_lost()
        self.tabs[0].path, self.tabs[0].kind = "", "none"  # left for the neutral site

    @precondition(lambda self: any(d.resume for d in self.drafts.values()))
    @rule(data=st.data(), old=st.booleans())
    def resume_elsewhere(self, data, old: bool) -> None:
        """Type a saved phrase into a fresh browser (an older phrase of the draft first)."""
        rid = data.draw(st.sampled_from(sorted(r for r, d in self.drafts.items() if d.resume)))
        draft = self.drafts[rid]
        self.fresh_browser()
        tab = self.tabs[0]
        if old and draft.old_resumes:
            self.request(tab, "GET", f"/s/{self.slug}/resume")
            self.request(tab, "POST", *self.form(tab, {"phrase": draft.old_resumes[-1]}))
            assert "We could not find answers for that phrase" in tab.html
        self.request(tab, "GET", f"/s/{self.slug}/resume")
        self.request(tab, "POST", *self.form(tab, {"phrase": draft.resume.upper()}))
        if draft.completed:
            assert "We could not find answers for that phrase" in tab.html
            return
        if draft.resume_page:  # nothing moved it since it was saved
            assert tab.path == step_path(self.slug, f"page/{draft.resume_page}"), tab.path
        assert tab.kind in ("page", "section", "check"), tab.path
        self.response = rid

    @precondition(lambda self: any(d.withdrawal_seen for d in self.drafts.values()))
    @rule(data=st.data(), fresh=st.booleans())
    def withdraw(self, data, fresh: bool) -> None:
        """Withdraw a sent response with its phrase, from this browser or another."""
        rid = data.draw(
            st.sampled_from(sorted(r for r, d in self.drafts.items() if d.withdrawal_seen))
        )
        client, self.client = self.client, self.app.test_client() if fresh else self.client
        tab = Tab()
        self.request(tab, "GET", f"/s/{self.slug}/withdraw")
        phrase = self.drafts[rid].withdrawal
        self.request(tab, "POST", *self.form(tab, {"phrase": phrase, "confirm": "yes"}))
        self.client = client
        assert "Your answers are deleted" in tab.html
        del self.drafts[rid]
        self.gone.add(rid)

    # Invariants. --------------------------------------------------------

    @invariant()
    def database_holds_what_was_saved(self) -> None:
        """Every draft holds exactly its saved answers; a sent one, its final answers once."""
        if not hasattr(self, "drafts"):
            return
        with self.app.app_context():
            session = db.session
            ids = set(
                session.scalars(select(Response.id).where(Response.study_id == self.study_id))
            )
            assert ids == set(self.drafts), "a response is missing, or one too many"
            for rid, draft in self.drafts.items():
                stored = responses.stored_answers(session, rid)
                assert stored == (final(draft.saved) if draft.completed else draft.saved), rid
                response = session.get(Response, rid)
                assert response.status == ("completed" if draft.completed else "in_progress")
                sent = session.scalar(select(func.count()).where(Submission.response_id == rid))
                assert sent == int(draft.completed)
            doubled = session.execute(
                select(Answer.response_id, Answer.item_id)
                .group_by(Answer.response_id, Answer.item_id)
                .having(func.count() > 1)
            ).all()
            assert not doubled
            for table in db.metadata.sorted_tables:
                if "response_id" in table.c and self.gone:
                    left = session.scalar(
                        select(func.count())
                        .select_from(table)
                        .where(table.c.response_id.in_(self.gone))
                    )
                    assert not left, f"{table.name} keeps a withdrawn or discarded response"
            for token in self.ended_tokens:  # a session ended by quick exit: deleted
                assert session.get(WebSession, row_id(token)) is None
            session.remove()

    @invariant()
    def server_session_matches_the_model(self) -> None:
        """The session points at the response and submit key the model expects."""
        if not hasattr(self, "drafts"):
            return
        data = self.server_session() or {}
        assert data.get("response") == self.response
        assert data.get("submit_key") == self.submit_key
        assert bool(data.get("submitted")) == self.submitted


def test_any_order_of_respondent_steps_keeps_every_saved_page(app: Flask) -> None:
    flow = type("Flow", (RespondentFlow,), {"app": app})
    run_state_machine_as_test(flow, settings=SETTINGS)


def test_the_model_knows_the_tiny_instrument(app: Flask) -> None:
    # The model's pages and items are the instrument's: a change there fails here first.
    pages = {page.key: tuple(item.id for item in page.items) for page in tiny_instrument().pages()}
    add_study(app)
    assert pages == PAGES and study(app, "tiny").resume_enabled


def test_an_earlier_responses_form_sent_again_never_sends_the_draft_begun_since(app, client):
    add_study(app)
    person = Respondent(client, "tiny")
    person.begin()
    first_check = person.get("/s/tiny/check").get_data(as_text=True)
    person.post(html=first_check)
    assert DONE in person.html
    person.begin()  # a second response, in the same browser
    person.answer({"contact_kind": "found"})
    person.get("/s/tiny/check")  # its "Check your answers", in another tab

    person.post(html=first_check)  # the first end page refreshed: its form sent again

    assert DONE not in person.html and not PHRASE.search(person.html)
    with app.app_context():
        statuses = sorted(db.session.scalars(select(Response.status)))
    assert statuses == ["completed", "in_progress"]
