"""The profile (totals and settings) and the API token page."""

from zoneinfo import available_timezones

from flask import flash, redirect, request, session, url_for
from flask_login import current_user, login_required

from spendsense.security_headers import no_store
from spendsense.services import periods
from spendsense.services.auth import tokens, users
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import charts
from spendsense.services.ledger import totals as reports
from spendsense.web import bp
from spendsense.web.account import reauth_required
from spendsense.web.forms import ConfirmForm, SettingsForm, TokenForm
from spendsense.web.helpers import apply_errors, current_ledger, render_form
from spendsense.web.page_data import currency_choices, today, week_start_of_user

NEW_TOKEN_KEY = "new_api_token"


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
                       period_totals=period_totals)


@bp.route("/link_api/", methods=["GET", "POST"])
@login_required
@no_store  # shows a new key once
def api_tokens():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            _token, secret = tokens.issue(current_user.id, form.name.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            # Redirect after the POST so a reload cannot create a second token; the
            # secret rides in the session for exactly one page view.
            session[NEW_TOKEN_KEY] = secret
            return redirect(url_for("web.api_tokens"))
    new_secret = session.pop(NEW_TOKEN_KEY, None) if request.method == "GET" else None
    return render_form("tokens.html", form, tokens=tokens.list_for(current_user.id), new_secret=new_secret,
                       revoke_form=ConfirmForm())


@bp.route("/link_api/<int:token_id>/revoke", methods=["POST"])
@login_required
@reauth_required
def revoke_token(token_id):
    if ConfirmForm().validate_on_submit():
        try:
            token = tokens.revoke(current_user.id, token_id)
        except NotFound:
            flash("That token does not exist or was already revoked.", "error")
        else:
            flash(f"Token “{token.name}” revoked. Programs using it can no longer connect.", "success")
    return redirect(url_for("web.api_tokens"))
