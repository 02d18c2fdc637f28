"""Asking for the password again before sensitive actions, and deleting one's account.

``reauth_required`` guards a view: within REAUTH_SECONDS of a confirmation it runs
as is. Otherwise a GET goes to the confirmation page and comes back; a POST (revoke a
key, switch two-factor login off ...) is answered with the password form posting to
the same URL with the first POST's fields kept, so once confirmed the action goes on
where it was, without a second click.

The page says what it is for: ``@reauth_required("delete your account")``, or
``@reauth_required(describe=lambda token_id: ...)`` for a text made from the view's
arguments (a bare ``@reauth_required`` just says "to go on"). Its Cancel goes back to
the page the user came from.
"""

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from werkzeug.exceptions import HTTPException
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from spendsense import throttle
from spendsense.services.auth import account_deletion, reauth, security_log, two_factor
from spendsense.services.errors import Invalid
from spendsense.web import bp
from spendsense.web.helpers import apply_errors, render_form, safe_next

REAUTH_KEY = "reauth"
# The fields of the password form (reauth_username only tells password managers whose
# password it asks for); the rest of a POST is the guarded action's own.
REAUTH_FIELDS = ("reauth_username", "reauth_password", "reauth_code", "reauth_next", "reauth_back")


class ReauthForm(FlaskForm):
    reauth_password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    reauth_code = StringField("Code from your authenticator app (or a recovery code)",
                              validators=[Optional(), Length(max=64)])
    reauth_next = HiddenField()
    reauth_back = HiddenField()  # where Cancel goes: the page the user came from
    error_aliases = {"password": "reauth_password", "code": "reauth_code"}


class DeleteAccountForm(FlaskForm):
    confirm_username = StringField("Type your username to confirm", validators=[DataRequired(), Length(max=150)])


def client_info():
    """The address and browser a security-log event records."""
    return {"address": request.remote_addr, "user_agent": request.user_agent.string}


def recently_confirmed():
    stamp = session.get(REAUTH_KEY)
    return (isinstance(stamp, list) and len(stamp) == 2 and stamp[0] == current_user.id
            and reauth.is_fresh(stamp[1]))


def _confirm(form):
    """Check the password form; True (and the session stamped) when it is right. Wrong
    passwords and codes count against the account as wrong logins do (throttle.py)."""
    throttle.check(throttle.user_key(current_user.id))
    try:
        reauth.confirm(current_user.id, form.reauth_password.data, form.reauth_code.data, **client_info())
    except Invalid as exc:
        throttle.failed()
        if "password" in exc.errors:
            security_log.record_failure(current_user.id, "login_failed", detail="re-authentication", **client_info())
        elif form.reauth_code.data:
            security_log.record_failure(current_user.id, "two_factor_failed", detail="re-authentication",
                                        **client_info())
        apply_errors(form, exc)
        return False
    session[REAUTH_KEY] = [current_user.id, int(time.time())]
    return True


def _came_from():
    """The page (of this site) the browser came from, for Cancel; None otherwise."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host or not referrer.path.startswith("/"):
        return None
    return referrer.path + (f"?{referrer.query}" if referrer.query else "")


def _confirm_page(form, *, action, what=None, replay=()):
    if not form.reauth_back.data:
        form.reauth_back.data = _came_from() or ""
    return render_form("account/confirm.html", form, error_status=401, action=action, replay=replay, what=what,
                       cancel=safe_next(form.reauth_back.data, "web.profile"),
                       needs_code=two_factor.is_enabled(current_user))


def _guard(view, describe):
    @wraps(view)
    def guarded(*args, **kwargs):
        if recently_confirmed():
            return view(*args, **kwargs)
        if request.method != "POST":
            return redirect(url_for("web.reauthenticate", next=request.full_path.rstrip("?")))
        submitted = "reauth_password" in request.form
        form = ReauthForm() if submitted else ReauthForm(formdata=None)
        if submitted and form.validate_on_submit() and _confirm(form):
            return view(*args, **kwargs)
        replay = [(name, value) for name, value in request.form.items(multi=True)
                  if name != "csrf_token" and name not in REAUTH_FIELDS]
        return _confirm_page(form, action=request.path, what=describe(**kwargs), replay=replay)

    # Read by the confirmation page of a GET (its ?next= names the view, never the text:
    # a link cannot make the page ask for the password "to" anything it likes).
    guarded.reauth_describe = describe
    return guarded


def reauth_required(what=None, *, describe=None):
    """``@reauth_required``, ``@reauth_required("what it is for")`` or
    ``@reauth_required(describe=function of the view's arguments)``."""
    if callable(what):
        return _guard(what, lambda **_kwargs: None)
    return lambda view: _guard(view, describe or (lambda **_kwargs: what))


def _described(target):
    """What the guarded GET view at path ``target`` is for, or None (also for a target
    the confirmation would not go on to)."""
    if safe_next(target, "web.profile") != target:
        return None
    try:
        endpoint, arguments = current_app.url_map.bind(request.host).match(urlsplit(target).path, method="GET")
    except HTTPException:
        return None
    describe = getattr(current_app.view_functions.get(endpoint), "reauth_describe", None)
    return describe(**arguments) if describe else None


@bp.route("/account/confirm", methods=["GET", "POST"])
@login_required
def reauthenticate():
    form = ReauthForm()
    if not form.is_submitted():
        form.reauth_next.data = request.args.get("next", "")
    if form.validate_on_submit() and _confirm(form):
        return redirect(safe_next(form.reauth_next.data, "web.profile"))
    return _confirm_page(form, action=url_for("web.reauthenticate"), what=_described(form.reauth_next.data or ""))


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@reauth_required("delete your account")
def delete_my_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if form.confirm_username.data.strip() != current_user.username:
            form.confirm_username.errors = ["Type your username exactly as it is written above."]
        else:
            username, done = current_user.username, account_deletion.delete_account(current_user.id)
            # The user's own security log went with them: the operator's log keeps the
            # trace (at warning level, so a default logging set-up does not drop it).
            current_app.logger.warning(
                "account_deleted user_id=%s ledgers=%s transactions=%s attachments=%s address=%s",
                done.user_id, done.ledgers, done.transactions, done.attachments, request.remote_addr)
            session.pop(REAUTH_KEY, None)
            logout_user()
            flash(f"The account “{username}” and everything in it are deleted.", "success")
            return redirect(url_for("web.login"))
    return render_form("account/delete.html", form)
