"""Two-factor login pages: setting it up (QR code, secret, a code to confirm, recovery
codes), the second step of logging in, new recovery codes, switching it off.

The login view calls ``start_second_step`` once the password is right: the pending
login (who, "keep me logged in", where to go) waits in the session for
TWO_FACTOR_PENDING_SECONDS; a right code, or an unused recovery code, then finishes it
with ``login_flow.complete_login``. Pages that show a secret (the QR code and secret,
recovery codes) answer ``Cache-Control: no-store`` and are never redirected to, so the
codes are never in a cookie.
"""

import time
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from spendsense import throttle
from spendsense.extensions import db
from spendsense.models import User
from spendsense.security_headers import no_store
from spendsense.services.auth import security_log, two_factor
from spendsense.services.errors import AuthenticationFailed, Invalid
from spendsense.web import bp
from spendsense.web.account import client_info, reauth_required
from spendsense.web.forms import ConfirmForm
from spendsense.web.helpers import apply_errors, render_form, safe_next
from spendsense.web.login_flow import complete_login
from spendsense.web.qr import qr_svg

PENDING_KEY = "two_factor_pending"
DEFAULT_PENDING_SECONDS = 300
EXPIRED = "That took too long: log in again."


class CodeForm(FlaskForm):
    code = StringField("Code", validators=[DataRequired(), Length(max=64)])


def start_second_step(user, *, remember, next_url):
    """Keep the login of ``user`` (password right) pending, and ask for the code."""
    session[PENDING_KEY] = {"user": user.id, "version": user.session_version, "remember": bool(remember),
                            "next": next_url or "", "at": int(time.time())}
    return redirect(url_for("web.two_factor_login"))


def _pending_user():
    """The user of the login waiting for its code, while it is recent; else None."""
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict) or not isinstance(pending.get("at"), int):
        return None
    limit = int(current_app.config.get("TWO_FACTOR_PENDING_SECONDS", DEFAULT_PENDING_SECONDS))
    if not pending["at"] <= time.time() < pending["at"] + limit:
        return None
    user = db.session.get(User, pending.get("user")) if isinstance(pending.get("user"), int) else None
    # A password change or "log out everywhere" meanwhile ends the pending login too.
    if user is None or not two_factor.is_enabled(user) or user.session_version != pending.get("version"):
        return None
    return user


def _pending_account():
    """The throttle's account of a code attempt: the pending user (the same budget as
    wrong passwords for them), or None when no login waits."""
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user") if isinstance(pending, dict) else None
    return throttle.user_key(user_id) if isinstance(user_id, int) else None


@bp.route("/login/code", methods=["GET", "POST"])
@throttle.credential_limits(_pending_account, failed_when=lambda response: response.status_code == 401)
def two_factor_login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    user = _pending_user()
    if user is None:
        session.pop(PENDING_KEY, None)
        flash(EXPIRED, "info")
        return redirect(url_for("web.login"))
    form = CodeForm()
    refused = False
    if form.validate_on_submit():
        try:
            used = two_factor.check_code(user.id, form.code.data, **client_info())
        except AuthenticationFailed as exc:
            security_log.record_failure(user.id, "two_factor_failed", detail="login", **client_info())
            form.code.errors = [exc.message]
            # The box is emptied for the next code, not refilled with the wrong one.
            form.code.data = ""
            refused = True
        else:
            pending = session.pop(PENDING_KEY)
            if used == "recovery":
                left = two_factor.unused_code_count(user.id)
                flash(f"You used a recovery code: {left} left. Make new ones on the two-factor page when few are "
                      "left.", "info")
            return complete_login(user, remember=pending["remember"], next_url=pending["next"])
    return render_form("auth/two_factor_code.html", form, error_status=401 if refused else 422)


@bp.route("/account/two-factor")
@login_required
def two_factor_settings():
    return render_template("auth/two_factor.html", enabled=two_factor.is_enabled(current_user),
                           codes_left=two_factor.unused_code_count(current_user.id), form=ConfirmForm())


@bp.route("/account/two-factor/setup", methods=["GET", "POST"])
@no_store
@login_required
@reauth_required("switch two-factor login on")
def two_factor_setup():
    if two_factor.is_enabled(current_user):
        flash(two_factor.ALREADY_ON, "info")
        return redirect(url_for("web.two_factor_settings"))
    secret = two_factor.pending_secret(current_user.id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = two_factor.enable(current_user.id, form.code.data, **client_info())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            return _show_codes(codes, first=True)
    return render_form("auth/two_factor_setup.html", form, secret=secret,
                       qr=qr_svg(two_factor.provisioning_uri(current_user, secret)),
                       grouped=" ".join(secret[i:i + 4] for i in range(0, len(secret), 4)))


def _show_codes(codes, *, first):
    # The day they were made, in the user's time zone: printed or saved with the codes.
    made = datetime.now(ZoneInfo(current_user.timezone)).strftime("%Y-%m-%d")
    return render_template("auth/two_factor_codes.html", codes=codes, first=first, made=made)


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@no_store
@login_required
@reauth_required("make new recovery codes")
def two_factor_new_codes():
    if ConfirmForm().validate_on_submit():
        try:
            codes = two_factor.regenerate_codes(current_user.id, **client_info())
        except Invalid as exc:
            flash(exc.message, "error")
        else:
            return _show_codes(codes, first=False)
    return redirect(url_for("web.two_factor_settings"))


@bp.route("/account/two-factor/disable", methods=["POST"])
@login_required
@reauth_required("switch two-factor login off")
def two_factor_disable():
    if ConfirmForm().validate_on_submit():
        two_factor.disable(current_user.id, **client_info())
        flash("Two-factor login is off: your password alone logs you in now.", "success")
    return redirect(url_for("web.two_factor_settings"))
