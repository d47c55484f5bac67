"""Administration: staff accounts, site security and the audit log (administrators only).

Anyone else who is signed in gets 404, as if the pages did not exist; people
who are not signed in are sent to the sign-in page. The services do the work
and record every change in the audit log.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from survey.extensions import db
from survey.models.staff import ROLES, User
from survey.services import accounts, audit, permissions, staff_admin
from survey.web.studio.blueprint import bp

PROBLEMS = {
    accounts.UnknownRole: "Choose one of the roles: admin, researcher, analyst or data steward.",
    accounts.InvalidEmail: "Enter an email address, like name@example.org.",
    accounts.EmailTaken: "An account with that email address exists already.",
    staff_admin.LastAdmin: (
        "Heard needs at least one active administrator: make someone else an administrator first."
    ),
}


def admin_only(view: Callable) -> Callable:
    """Let administrators through; answer 404 to everyone else who is signed in."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not permissions.may(db.session, current_user, permissions.ADMINISTER):
            abort(404)
        return view(*args, **kwargs)

    return wrapped


def _me() -> User:
    return current_user._get_current_object()


def _target(public_id: str) -> User:
    try:
        return staff_admin.find_user(db.session, public_id)
    except staff_admin.UserNotFound:
        abort(404)


def _users_page(error: str | None = None, status: int = 200, **form: str):
    page = render_template(
        "studio/admin_users.html",
        users=staff_admin.list_users(db.session),
        roles=ROLES,
        error=error,
        form=form,
    )
    return page, status


def _problem(error: accounts.AccountError, **form: str):
    return _users_page(PROBLEMS.get(type(error), "That did not work."), 400, **form)


@bp.get("/admin/users")
@admin_only
def admin_users():
    """List staff accounts, with a form to add one."""
    return _users_page()


@bp.post("/admin/users")
@admin_only
def admin_create_user():
    """Create an account and show its one-time password, once."""
    email, role = request.form.get("email", ""), request.form.get("role", "")
    try:
        created = accounts.create_user(db.session, email=email, role=role, actor=_me())
    except accounts.AccountError as error:
        return _problem(error, email=email, role=role)
    return render_template("studio/admin_password.html", created=created, new=True)


@bp.post("/admin/users/<public_id>/role")
@admin_only
def admin_change_role(public_id: str):
    """Give an account another role."""
    user = _target(public_id)
    try:
        staff_admin.change_role(db.session, _me(), user, request.form.get("role", ""))
    except accounts.AccountError as error:
        return _problem(error)
    flash(f"{user.email} is now {user.role.replace('_', ' ')}.")
    return redirect(url_for("studio.admin_users"), code=303)


@bp.post("/admin/users/<public_id>/active")
@admin_only
def admin_set_active(public_id: str):
    """Deactivate an account (ending its sessions) or reactivate it."""
    user = _target(public_id)
    active = request.form.get("active")
    if active not in ("0", "1"):
        abort(400)
    try:
        staff_admin.set_active(db.session, _me(), user, active == "1")
    except accounts.AccountError as error:
        return _problem(error)
    flash(f"{user.email} can {'now' if user.active else 'no longer'} sign in.")
    return redirect(url_for("studio.admin_users"), code=303)


@bp.post("/admin/users/<public_id>/password")
@admin_only
def admin_reset_password(public_id: str):
    """Give an account a new one-time password; its sessions end."""
    created = staff_admin.reset_password(db.session, _me(), _target(public_id))
    return render_template("studio/admin_password.html", created=created, new=False)


@bp.post("/admin/users/<public_id>/totp")
@admin_only
def admin_reset_totp(public_id: str):
    """Turn off an account's two-step sign-in (a lost phone); its sessions end."""
    user = _target(public_id)
    staff_admin.reset_totp(db.session, _me(), user)
    flash(f"Two-step sign-in is off for {user.email}. They can set it up again.")
    return redirect(url_for("studio.admin_users"), code=303)


@bp.route("/admin/security", methods=["GET", "POST"])
@admin_only
def admin_security():
    """Make two-step sign-in compulsory for everyone, or optional."""
    if request.method == "POST":
        required = request.form.get("totp_required")
        if required not in ("0", "1"):
            page = render_template(
                "studio/admin_security.html",
                required=accounts.totp_required(db.session),
                error="Choose whether two-step sign-in is compulsory.",
            )
            return page, 400
        staff_admin.set_totp_required(db.session, _me(), required == "1")
        flash("Two-step sign-in is " + ("compulsory." if required == "1" else "optional."))
        return redirect(url_for("studio.admin_security"), code=303)
    required = accounts.totp_required(db.session)
    return render_template("studio/admin_security.html", required=required, error=None)


@bp.get("/admin/audit")
@admin_only
def admin_audit():
    """Show the audit log, newest first, 50 a page, by action and by person."""
    action = request.args.get("action", "")
    person_id = request.args.get("person", "")
    person = _target(person_id) if person_id else None
    page = audit.events_page(
        db.session, action=action, person=person, page=request.args.get("page", 1, type=int)
    )
    return render_template(
        "studio/admin_audit.html",
        log=page,
        actions=audit.actions(db.session),
        users=staff_admin.list_users(db.session),
        action=action,
        person=person_id,
    )
