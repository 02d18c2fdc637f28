"""The answer to a throttled form: the same form again, with what the user typed
(never a password) and the real wait, instead of a bare "Too many attempts" page that
loses everything and cannot say how long."""

from flask import make_response, render_template, request

from spendsense.api.errors import seconds_until_retry
from spendsense.web import bp


def retry_after(exc):
    """Seconds until the breached limit lets the browser in again, or None: throttle.py's
    own limits say it on the exception, Flask-Limiter's through its current limit."""
    wait = getattr(exc, "retry_after", None)
    return wait if isinstance(wait, int) else seconds_until_retry()


def wait_text(seconds):
    """"Try again in 45 seconds." / "in 3 minutes" (rounded up: never sooner than true)."""
    if seconds is None:
        return "Try again in a little while."
    seconds = max(1, seconds)
    if seconds < 60:
        return f"Try again in {seconds} second{'s' if seconds != 1 else ''}."
    minutes = -(-seconds // 60)
    return f"Try again in {minutes} minute{'s' if minutes != 1 else ''}."


def _forms():
    # Imported here: the forms modules import web helpers that import this package.
    from spendsense.web.forms import LoginForm, RegisterForm
    from spendsense.web.projects.forms import ProjectLoginForm

    return {
        "web.login": ("auth/login.html", LoginForm),
        "web.register": ("auth/register.html", RegisterForm),
        "web.projects.login": ("projects/login.html", ProjectLoginForm),
    }


def throttled(exc):
    wait = retry_after(exc)
    page = _forms().get(request.endpoint)
    if page is None or request.method != "POST":
        body = render_template("error.html", code=429, wait=wait_text(wait))
    else:
        template, form_class = page
        form = form_class()  # from the posted values; password fields never render theirs
        form.form_errors.append(f"Too many attempts. {wait_text(wait)}")
        body = render_template(template, form=form)
    response = make_response(body, 429)
    if wait is not None:
        response.headers["Retry-After"] = str(wait)
    return response


# On the web blueprint (and so its projects pages) only: the API dialects answer their
# own 429 bodies (api/errors.py register_throttled).
bp.register_error_handler(429, throttled)
