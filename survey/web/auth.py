"""Staff sign-in: login, logout, password change, second factor, idle expiry.

Sessions are kept on the server; logging out or changing a password bumps the
account's session epoch, which ends its sessions on every device. The login
form answers every failure with the same words.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from survey.extensions import db, login
from survey.models import User
from survey.services import accounts, staff_secrets

bp = Blueprint("auth", __name__, url_prefix="/studio")

FAILED = "Email address, password or code not recognised."
LOCKED = "Too many attempts. For your account's safety, try again in 15 minutes."
SETUP_ENDPOINTS = {"auth.password", "auth.totp_setup", "auth.logout"}


@login.user_loader
def load_user(token: str) -> User | None:
    """Return the user of a session, if its epoch is still current."""
    public_id, _, epoch = token.partition(":")
    user = db.session.scalar(select(User).where(User.public_id == public_id, User.active))
    if user is None or str(user.session_epoch) != epoch:
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
def login_view():
    """Sign in with email, password and, when set up, a six-digit code."""
    if request.method == "GET":
        return render_template("staff/login.html", error=None, need_code=False)
    form = request.form
    try:
        user = accounts.authenticate(
            db.session,
            email=form.get("email", ""),
            password=form.get("password", ""),
            code=form.get("code") or None,
        )
    except accounts.SecondFactorNeeded:
        return render_template(
            "staff/login.html", error=None, need_code=True, email=form.get("email")
        )
    except accounts.AccountLocked:
        return render_template("staff/login.html", error=LOCKED, need_code=False), 429
    except accounts.LoginFailed:
        return render_template("staff/login.html", error=FAILED, need_code=False), 401
    _renew_login(user)
    return redirect(url_for("studio.index"), code=303)


def _renew_login(user: User) -> None:
    """Sign `user` in on a fresh session token: an older cookie is worth nothing."""
    session.rotate()
    login_user(user)
    session["staff_seen"] = accounts.seconds_now()


@bp.post("/logout")
def logout():
    """Sign out everywhere: every session of this account ends."""
    if current_user.is_authenticated:
        accounts.end_all_sessions(db.session, current_user._get_current_object())
    logout_user()
    session.end()
    return redirect(url_for("auth.login_view"), code=303)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password (required after a one-time password); other sessions end."""
    if request.method == "GET":
        return render_template("staff/password.html", error=None)
    form = request.form
    if form.get("new") != form.get("confirm"):
        return render_template("staff/password.html", error="The new passwords do not match."), 400
    user = current_user._get_current_object()
    try:
        accounts.change_password(
            db.session, user, current=form.get("current"), new=form.get("new", "")
        )
    except accounts.LoginFailed:
        return render_template(
            "staff/password.html", error="Your current password is not right."
        ), 400
    except accounts.AccountLocked:
        return render_template("staff/password.html", error=LOCKED), 429
    except accounts.WeakPassword as error:
        return render_template("staff/password.html", error=str(error)), 400
    _renew_login(user)
    flash("Your password is changed. You are signed out everywhere else.")
    return redirect(url_for("studio.index"), code=303)


@bp.route("/totp", methods=["GET", "POST"])
@login_required
def totp_setup():
    """Set up a second factor: show a secret, confirm with a code; other sessions end."""
    user = current_user._get_current_object()
    if user.totp_secret:
        return render_template("staff/totp.html", already_on=True)
    # The secret waiting for its first code is kept in the session sealed, like the enrolled one.
    secret = staff_secrets.open_pending(session.get("totp_pending"), user.id)
    if secret is None:
        secret = accounts.new_totp_secret()
        session["totp_pending"] = staff_secrets.seal_pending(user.id, secret)
    page = {"secret": secret, "uri": accounts.totp_uri(secret, user.email), "already_on": False}
    if request.method == "GET":
        return render_template("staff/totp.html", error=None, **page)
    try:
        accounts.enable_totp(db.session, user, secret=secret, code=request.form.get("code", ""))
    except accounts.WrongCode:
        return render_template("staff/totp.html", error="That code is not right.", **page), 400
    session.pop("totp_pending", None)
    _renew_login(user)
    flash("Two-step sign-in is on. You are signed out everywhere else.")
    return redirect(url_for("studio.index"), code=303)


def _guard_staff_session():
    """Expire idle staff sessions; send people to set a password or a second factor first."""
    if not (request.endpoint or "").startswith(("studio.", "auth.")):
        return None
    if not current_user.is_authenticated:
        return None
    idle = current_app.config["HEARD_STAFF_IDLE_MINUTES"]
    if accounts.idle_expired(session.get("staff_seen", 0), idle):
        logout_user()
        session.end()
        flash("You were signed out after a time without activity.")
        return redirect(url_for("auth.login_view"), code=303)
    session["staff_seen"] = accounts.seconds_now()
    if request.endpoint in SETUP_ENDPOINTS:
        return None
    if current_user.must_change_password:
        return redirect(url_for("auth.password"), code=303)
    if accounts.totp_required(db.session) and not current_user.totp_secret:
        return redirect(url_for("auth.totp_setup"), code=303)
    return None


def _no_client_identifier() -> str:
    """Stand in for Flask-Login's session identifier, a hash of address and user agent."""
    return ""


def init_auth(app: Flask) -> None:
    """Bind Flask-Login and the staff session guard to `app`."""
    login.init_app(app)
    login.login_view = "auth.login_view"
    login.login_message = "Please sign in."
    # Flask-Login stores a hash of the client's address and user agent in the
    # session at every login, even with session protection off. Heard never
    # reads either, so the identifier is empty.
    login._session_identifier_generator = _no_client_identifier
    app.before_request(_guard_staff_session)
