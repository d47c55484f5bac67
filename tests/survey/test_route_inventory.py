"""Every rule of the app's URL map, every kind of visitor: what each gets, and that ids stay home.

`INVENTORY` gives each endpoint a category; the category says what each actor
gets. The actors are someone not signed in, a respondent in the middle of
study A, and each staff role on its own study (A, whose team it is on) and on
someone else's (B, whose team it is not on). An endpoint missing from the
inventory fails `test_the_inventory_lists_every_rule`, so a new route must be
classified. Refusals: staff routes send someone not signed in to sign in and
answer 404 (or 403) to staff without the permission; a respondent page asked
for with no survey in progress says the session has ended (409). Every POST
carries a valid CSRF token and a form that works for someone allowed.

The world (tests/survey/test_route_inventory_world.py) builds
both studies with real answers, documents, codes, segments, jobs, suggestions,
redaction spans and interviews, so every URL names real objects.

Every response is also checked for the security headers (issue 9, item 3).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.survey.test_route_inventory_world import (
    ACTORS,
    REFUSED_INPUT,
    STAFF_ROLES,
    Site,
    request,
    samples,
    sites,
    stored,
)

# What a category needs: a permission on the study named in the URL (staff), or who gets in.
NEEDS = {
    "view": {"admin", "researcher", "analyst", "data_steward", "interviewer"},
    "edit": {"admin", "researcher"},
    "manage_team": {"admin", "researcher"},
    "code": {"admin", "researcher", "analyst"},
    "lead_coding": {"admin", "researcher"},
    "redact": {"admin", "data_steward"},
    "interview": {"admin", "researcher", "interviewer"},
    "analyse": {"admin", "researcher", "analyst"},
    "export": {"admin", "researcher", "analyst", "data_steward"},
    # Export settings: those who may edit the study or download the full export.
    "export_settings": {"admin", "researcher", "data_steward"},
    # The whole coding project: study leads (redacted) and data stewards.
    "project": {"admin", "researcher", "data_steward"},
    # Adding a transcript: the coding lead or an interviewer on the team.
    "transcribe": {"admin", "researcher", "interviewer"},
}
# Categories that are not about one study: who among the staff gets in.
SITE_WIDE = {
    "signed_in": {"admin", "researcher", "analyst", "data_steward", "interviewer"},
    "create_study": {"admin", "researcher"},
    "administer": {"admin"},
}

STUDIO, CODING, ANALYSIS, INTERVIEW = "studio.", "coding.", "analysis.", "interview."
INVENTORY: dict[str, str] = {
    "static": "static",
    "health.healthz": "health",
    "health.readyz": "health",
    # The respondent's pages: open to anyone at the door, the rest need a survey in progress.
    "respond.landing": "public",
    "respond.start": "public",
    "respond.resume": "public",
    "respond.withdraw": "public",
    "respond.declined": "public",
    "respond.quick_exit": "public",
    # The safety and consent pages are read before a survey starts.
    "respond.safety": "public",
    "respond.consent": "public",
    "respond.resume_here": "respondent",
    "respond.page": "respondent",
    "respond.section": "respondent",
    "respond.check": "respondent",
    # Signing in and the account itself.
    "auth.login_view": "public",
    "auth.logout": "public",  # signing out twice, or never signed in, is harmless
    "auth.password": "signed_in",
    "auth.totp_setup": "signed_in",
    # The studio.
    STUDIO + "index": "signed_in",
    STUDIO + "new_study": "create_study",
    STUDIO + "admin_audit": "administer",
    STUDIO + "admin_security": "administer",
    STUDIO + "admin_users": "administer",
    STUDIO + "admin_create_user": "administer",
    STUDIO + "admin_set_active": "administer",
    STUDIO + "admin_reset_password": "administer",
    STUDIO + "admin_change_role": "administer",
    STUDIO + "admin_reset_totp": "administer",
    STUDIO + "overview": "staff:view",
    STUDIO + "versions": "staff:view",
    STUDIO + "publish": "staff:edit",
    STUDIO + "close": "staff:edit",
    STUDIO + "reopen": "staff:edit",
    STUDIO + "edit": "staff:edit",
    STUDIO + "discard_draft": "staff:edit",
    STUDIO + "settings": "staff:edit",
    STUDIO + "team": "staff:manage_team",
    STUDIO + "remove_member": "staff:manage_team",
    STUDIO + "export": "staff:export",
    STUDIO + "export_settings": "staff:export_settings",
    **{STUDIO + name: "staff:view" for name in (
        "preview_start", "preview_landing", "preview_check", "preview_consent",
        "preview_declined", "preview_done", "preview_exit", "preview_page", "preview_resume",
        "preview_safety", "preview_saved", "preview_section", "preview_withdraw")},
    # Coding.
    **{CODING + name: "staff:code" for name in (
        "overview", "codebook", "code_edit", "code_new", "codes", "code_view", "code_colours",
        "documents", "document", "apply", "segment_update", "segment_remove", "undo", "log",
        "memo", "collapse_distressing", "grid", "grid_save", "search", "search_code",
        "exchange", "export_codebook", "export_matrix", "export_segments", "transcripts")},
    **{CODING + name: "staff:lead_coding" for name in (
        "agreement", "agreement_csv", "agreement_unit", "code_delete", "code_merge", "code_split",
        "coders", "blind", "reveal", "compare", "compare_document", "reconcile", "accept_agreed",
        "import_codebook", "import_project")},
    **{CODING + name: "staff:redact" for name in (
        "redaction", "redaction_document", "redaction_decide", "redaction_accept_all",
        "redaction_add", "redaction_reviewed")},
    CODING + "export_project": "staff:project",
    CODING + "transcript_new": "staff:transcribe",
    # Analysis: reading needs `analyse`; what codes documents needs `code` as well.
    **{ANALYSIS + name: "staff:analyse" for name in (
        "overview", "codes", "codes_csv", "describe", "describe_item", "job_status",
        "suggestions", "suggestions_item", "topics", "topics_start", "topics_job", "words",
        # Findings reports; exporting needs `export` as well, which every analyst role has.
        "reports", "report_new", "report", "report_edit", "report_theme", "report_theme_save",
        "report_preview", "report_delete", "report_check", "report_build", "report_export")},
    **{ANALYSIS + name: "staff:code" for name in (
        "suggestion_accept", "suggestion_reject", "suggestions_train", "topics_drafts")},
    # Interviews (the guide belongs to a study of its own; see the world).
    **{INTERVIEW + name: "staff:interview" for name in (
        "index", "start", "check", "consent", "go_on", "distress_check", "page", "pause",
        "resume", "section", "stop", "support", "guide")},
}  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The world of test_route_inventory_world.py, built once for the module."""
    yield from sites(tmp_path_factory.mktemp("routes"))


OK, LOGIN, REFUSED, NO_SURVEY = "ok", "login", "refused", "no survey"


def outcome(category: str, actor: str) -> str:
    """Return what `actor` gets from a route of `category`: ok, login, refused or no survey."""
    if category in ("static", "health", "public"):  # (signing out leads to the sign-in page)
        return OK
    if category == "respondent":
        return OK if actor == "respondent" else NO_SURVEY
    if actor in ("anonymous", "respondent"):
        return LOGIN
    role, where = actor.split("@")
    if category in SITE_WIDE:
        return OK if role in SITE_WIDE[category] else REFUSED
    permission = category.removeprefix("staff:")
    if role == "admin":
        return OK
    return OK if where == "own" and role in NEEDS[permission] else REFUSED


def status_class(sample, response) -> str:
    """Return the outcome a response shows (or its status code, when it is none of them)."""
    code, location = response.status_code, response.headers.get("Location", "")
    if code in (301, 302, 303) and location.startswith("/studio/login?next="):
        return LOGIN
    if 200 <= code < 400 or code == REFUSED_INPUT.get((sample.endpoint, sample.method)):
        return OK
    if code in (403, 404):
        return REFUSED
    if code == 409 and "Your session has ended" in response.text:
        return NO_SURVEY
    return str(code)


SECURITY_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
}
CSP_RULES = ("default-src 'self'", "object-src 'none'", "base-uri 'none'",
             "frame-ancestors 'none'")  # fmt: skip


def check_headers(response, static: bool = False, production: bool = False) -> None:
    """Assert the security headers of issue 9 on `response`."""
    headers, where = response.headers, response.request.path
    csp = headers.get("Content-Security-Policy", "")
    for rule in CSP_RULES:
        assert rule in csp, (where, rule)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (where, name, headers.get(name))
    if not static:
        assert headers.get("Cache-Control") == "no-store", where
    assert ("Strict-Transport-Security" in headers) == production, where
    for cookie in headers.getlist("Set-Cookie"):
        assert "HttpOnly" in cookie and "SameSite=" in cookie, (where, cookie)
        assert ("Secure" in cookie) == production, (where, cookie)
        assert cookie.startswith("__Host-") == production, (where, cookie)


# Writes a request may make without changing anything: it recorded that raw text was read.
READ_AUDIT = {"coding.read_text", "coding.export"}


def writes(before: dict, after: dict) -> dict[str, tuple[list, list]]:
    """Return (rows new or changed, rows gone) by table, the legitimate ones left out."""
    found = {}
    for table, rows in after.items():
        new = [row for row in rows if row not in before[table]]
        if table == "audit_event":
            new = [row for row in new if row["action"] not in READ_AUDIT]
        gone = [row for row in before[table] if row not in rows]
        if new or gone:
            found[table] = (new, gone)
    return found


def test_the_inventory_lists_every_rule(site: Site):
    rules = {rule.endpoint for rule in site.app.url_map.iter_rules()}
    missing = sorted(rules - set(INVENTORY))
    assert not missing, f"classify these routes in INVENTORY: {missing}"
    assert not set(INVENTORY) - rules, "INVENTORY names routes the app no longer has"
    categories = {"static", "health", "public", "respondent", *SITE_WIDE}
    categories |= {f"staff:{permission}" for permission in NEEDS}
    assert set(INVENTORY.values()) <= categories


def test_every_staff_category_refuses_someone():
    # A category that lets every staff role everywhere in would make the test above toothless.
    for category in set(INVENTORY.values()) - {"static", "health", "public", "respondent"}:
        got = {outcome(category, f"{role}@{where}") for role in STAFF_ROLES
               for where in ("own", "other")}  # fmt: skip
        assert got == {OK, REFUSED} or category == "signed_in", category


SAMPLES = samples(INVENTORY)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda sample: sample.id)
def test_each_actor_gets_what_the_inventory_says(site: Site, sample):
    category = INVENTORY[sample.endpoint]
    wrong = {}
    for actor in ACTORS:
        response = request(site, sample, actor)
        assert response.status_code < 500, (actor, response.get_data(as_text=True)[:800])
        check_headers(response, static=sample.endpoint == "static")
        want, got = outcome(category, actor), status_class(sample, response)
        if got != want:
            wrong[actor] = (want, response.status_code, response.headers.get("Location"))
    assert not wrong, wrong


SWAPPABLE = [sample for sample in SAMPLES if sample.foreign_ids]


@pytest.mark.parametrize("sample", SWAPPABLE, ids=lambda sample: sample.id)
def test_ids_of_another_study_are_never_accepted(site: Site, sample):
    # Study A's team, study A's address, one of study B's documents, codes, segments, jobs...
    # Named in the address: not found. Named in a form: not found, or refused as an id that
    # does not exist ("a code you chose no longer exists", 400). Either way nothing changes.
    site.reset()
    before = stored(site)
    wrong = {}
    for name in sample.foreign_ids:
        refusals = (403, 404) if f"{{{name}}}" in sample.path else (400, 403, 404)
        for actor in sorted(f"{role}@own" for role in allowed_roles(sample)):
            response = request(site, sample, actor, swapped=name, reset=False)
            check_headers(response)
            if response.status_code not in refusals:
                wrong[name, actor] = response.status_code
            if sample.method == "POST":
                if written := writes(before, stored(site)):
                    wrong[name, actor] = written
                site.reset()
    assert not wrong, wrong


def allowed_roles(sample) -> set[str]:
    """Return the staff roles allowed on `sample`'s route on their own study."""
    category = INVENTORY[sample.endpoint]
    return {role for role in STAFF_ROLES if outcome(category, f"{role}@own") == OK}
