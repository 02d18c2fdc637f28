"""Register, log in, log out, change password."""

from flask import flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required

from spendsense import throttle
from spendsense.services.auth import users
from spendsense.services.errors import AuthenticationFailed, Invalid
from spendsense.web import bp
from spendsense.web.account import client_info
from spendsense.web.forms import ConfirmForm, LoginForm, PasswordForm, RegisterForm
from spendsense.web.helpers import apply_errors, render_form, safe_next
from spendsense.web.login_flow import complete_login, end_every_session, end_other_sessions


@bp.route("/register", methods=["GET", "POST"])
@throttle.signup_limit("accounts")
def register():
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = users.register(form.username.data, form.email.data, form.password.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash(f"Welcome to SpendSense, {user.username}! Start by adding an account.", "success")
            return complete_login(user, remember=False, next_url=None)
    return render_form("auth/register.html", form)


@bp.route("/register/check-username")
def check_username():
    """The live "username taken" hint of the registration form."""
    name = request.args.get("username", "")
    try:
        users.clean_username(name)
    except Invalid as exc:
        return jsonify({"available": False, "message": exc.message})
    if users.username_taken(name):
        return jsonify({"available": False, "message": "This username is already taken."})
    return jsonify({"available": True, "message": "This username is available."})


@bp.route("/login", methods=["GET", "POST"])
@throttle.credential_limits(throttle.form_user("username"), failed_when=lambda response: response.status_code == 401)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm(next=request.args.get("next", ""))
    refused = False
    if form.validate_on_submit():
        try:
            user = users.authenticate(form.username.data, form.password.data)
        except AuthenticationFailed:
            users.record_failed_login(form.username.data, **client_info())
            form.form_errors.append("Wrong username or password.")
            refused = True
        else:
            remember, next_url = bool(form.remember.data), form.next.data
            if user.totp_enabled_at is not None:
                from spendsense.web.two_factor import start_second_step

                return start_second_step(user, remember=remember, next_url=next_url)
            return complete_login(user, remember=remember, next_url=next_url)
    return render_form("auth/login.html", form, error_status=401 if refused else 422)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        # Every session of the account ends, not only this browser's (the reason is in
        # services/auth/sessions.py).
        end_every_session()
        flash("You have been logged out.", "info")
    return redirect(url_for("web.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = users.change_password(current_user.id, form.current_password.data, form.new_password.data,
                                         **client_info())
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            end_other_sessions(user)
            flash("Your password has been changed. Every other session of your account has ended.", "success")
            return redirect(url_for("web.profile"))
    return render_form("auth/password.html", form)
