"""Register, log in, log out, change password."""

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from spendsense import throttle
from spendsense.services.auth import users
from spendsense.services.errors import AuthenticationFailed, Invalid
from spendsense.web import bp
from spendsense.web.forms import ConfirmForm, LoginForm, PasswordForm, RegisterForm
from spendsense.web.helpers import apply_errors, render_form, safe_next


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]

@throttle.signup_limit("accounts")

@bp.route("/register", methods=["GET", "POST"])
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
            login_user(user)
            flash(f"Welcome to SpendSense, {user.username}! Start by adding an account.", "success")
            return redirect(url_for("web.dashboard"))
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
            form.form_errors.append("Wrong username or password.")
            refused = True
        else:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(form.next.data))
    return render_form("auth/login.html", form, error_status=401 if refused else 422)


@bp.route("/logout", methods=["POST"])
def logout():
    form = ConfirmForm()
    if form.validate_on_submit():
        logout_user()
        flash("You have been logged out.", "info")
    return redirect(url_for("web.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(current_user.id, form.current_password.data, form.new_password.data)
        except Invalid as exc:
            apply_errors(form, exc)
        else:
            flash("Your password has been changed.", "success")
            return redirect(url_for("web.profile"))
    return render_form("auth/password.html", form)
