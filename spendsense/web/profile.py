"""The profile (totals and settings), the API token page and the security log."""

import secrets
import time
from datetime import UTC
from zoneinfo import ZoneInfo, available_timezones

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from spendsense.security_headers import no_store
from spendsense.services import periods
from spendsense.services.auth import security_log, sessions, tokens, users
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import charts
from spendsense.services.ledger import totals as reports
from spendsense.services.validation import row_id_or_none
from spendsense.web import bp
from spendsense.web.account import client_info, reauth_required
from spendsense.web.forms import ConfirmForm, SettingsForm, TokenForm
from spendsense.web.helpers import apply_errors, current_ledger, render_form
from spendsense.web.login_flow import end_other_sessions
from spendsense.web.page_data import currency_choices, today, week_start_of_user

SECURITY_LOG_PAGE = 50


def _settings_form():
    form = SettingsForm(base_currency=current_user.base_currency, timezone=current_user.timezone,
                        week_start=str(current_user.week_start))
    form.base_currency.choices = currency_choices()
    form.timezone.choices = [(zone, zone) for zone in sorted(available_timezones())]
    return form


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    ledger_id = current_ledger()
    form = _settings_form()
    if form.validate_on_submit():
        try:
            users.update_settings(current_user.id, base_currency=form.base_currency.data,
                                  timezone=form.timezone.data, week_start=form.week_start.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Settings saved.", "success")
            return redirect(url_for("web.profile"))
    day = today(ledger_id)
    period_totals = [
        (periods.LABELS[key], charts.period_flows(
            ledger_id, *periods.resolve(key, day, week_start_of_user()).bounds()))
        for key in ("week", "month", "year")
    ]
    return render_form("profile.html", form, all_time=reports.all_time_totals(ledger_id),
                       period_totals=period_totals, logout_everywhere_form=ConfirmForm(),
                       session_limits=_session_limits())


def _plural(count, unit):
    return f"{count} {unit}" + ("" if count == 1 else "s")


def _session_limits():
    """The configured session timeouts, in words."""
    config = current_app.config
    idle = config["SESSION_IDLE_MINUTES"]
    return {"idle": _plural(idle // 60, "hour") if idle % 60 == 0 else _plural(idle, "minute"),
            "remember_idle": _plural(config["REMEMBER_IDLE_DAYS"], "day"),
            "absolute": _plural(config["SESSION_ABSOLUTE_DAYS"], "day")}


@bp.route("/profile/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    if ConfirmForm().validate_on_submit():
        user = sessions.end_all(current_user.id, "logout_everywhere", **client_info())
        end_other_sessions(user)
        flash("Every other session of your account has ended, on every browser and device. "
              "You are still logged in here.", "success")
    return redirect(url_for("web.profile"))


@bp.route("/profile/security")
@login_required
def security_log_page():
    """The user's security events, newest first, SECURITY_LOG_PAGE at a time."""
    before = request.args.get("before")
    before_id = row_id_or_none(before) if before is not None else None
    if before is not None and before_id is None:
        abort(404)
    events = security_log.recent(current_user.id, limit=SECURITY_LOG_PAGE + 1, before_id=before_id)
    older = events[SECURITY_LOG_PAGE - 1].id if len(events) > SECURITY_LOG_PAGE else None
    zone = ZoneInfo(current_user.timezone)
    rows = [(event, event.created_at.replace(tzinfo=UTC).astimezone(zone)) for event in events[:SECURITY_LOG_PAGE]]
    return render_template("security_log.html", rows=rows, older=older, first_page=before_id is None,
                           zone=current_user.timezone, label=security_log.label)


KEY_NONCES = "key_nonces"
# A nonce is remembered this long, and at most this many (the session is a cookie):
# enough for the reload or the Back-and-resubmit of any recent key form.
NONCE_SECONDS = 3600
NONCE_COUNT = 20
ALREADY_MADE = "This key was already made and its secret shown once; make a new one if you lost it."


def _token_page(form, *, new_secret=None):
    if new_secret is not None or not form.nonce.data:
        # A fresh nonce for the next key (the one just used is spent).
        form.nonce.data = secrets.token_urlsafe(16)
    return render_form("tokens.html", form, tokens=tokens.list_for(current_user.id), new_secret=new_secret,
                       revoke_form=ConfirmForm())


def _claim_nonce(nonce):
    """True the first time ``nonce`` is used, False after. Used nonces are kept in the
    session: it travels with the very browser that reloads or resubmits the form, to
    whichever worker answers, with no shared store needed."""
    now = int(time.time())
    used = [entry for entry in session.get(KEY_NONCES, [])
            if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[1], int)
            and now - entry[1] < NONCE_SECONDS]
    if any(entry[0] == nonce for entry in used):
        return False
    session[KEY_NONCES] = [*used[-(NONCE_COUNT - 1):], [nonce, now]]
    return True


@bp.route("/link_api/", methods=["GET"])
@login_required
@no_store  # shows a new key once
def api_tokens():
    return _token_page(TokenForm())


@bp.route("/link_api/", methods=["POST"])
@login_required
@no_store
@reauth_required("make a new API key")  # a stolen session alone must not mint a key that outlives logout
def issue_token():
    form = TokenForm()
    if not form.validate_on_submit():
        if form.nonce.errors:
            form.form_errors.extend(form.nonce.errors)
            form.nonce.data = ""
        return _token_page(form)
    if not _claim_nonce(form.nonce.data):
        # A reload of the answer that showed a key, or Back and resubmit: no second key.
        flash(ALREADY_MADE, "info")
        return _token_page(TokenForm(formdata=None))
    try:
        _token, new_secret = tokens.issue(current_user.id, form.name.data, **client_info())
    except Invalid as exc:
        apply_errors(form, exc)
        return _token_page(form)
    # The new key is in this answer only: never in the cookie, never cached (no_store).
    # The form is emptied, so the page does not invite a second one.
    return _token_page(TokenForm(formdata=None), new_secret=new_secret)


def _revoking(token_id):
    name = next((t.name for t in tokens.list_for(current_user.id) if t.id == token_id), None)
    return f"revoke the API key “{name}”" if name else "revoke this API key"


@bp.route("/link_api/<int:token_id>/revoke", methods=["POST"])
@login_required
@reauth_required(describe=lambda token_id: _revoking(token_id))
def revoke_token(token_id):
    if ConfirmForm().validate_on_submit():
        try:
            token = tokens.revoke(current_user.id, token_id, **client_info())
        except NotFound:
            flash("That token does not exist or was already revoked.", "error")
        else:
            flash(f"Token “{token.name}” revoked. Programs using it can no longer connect.", "success")
    return redirect(url_for("web.api_tokens"))
