"""Small pieces every web view uses: the caller's ledger, form errors, redirects."""

from urllib.parse import urlsplit

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user

from spendsense.services import validation
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.scope import ledger_for

MAX_PAGE = 10**6


def current_ledger(*, write=False):
    return ledger_for(current_user, write=write)


def safe_next(target, default="web.dashboard"):
    """A redirect target inside this site only: a path, never another host."""
    # Control characters are refused outright: browsers drop tabs and newlines from
    # URLs ("/\t/evil.com" is "//evil.com"), and a newline cannot go in a header.
    if target and isinstance(target, str) and not any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        parts = urlsplit(target)
        if (not parts.scheme and not parts.netloc and target.startswith("/")
                and not target.startswith("//") and "\\" not in target):
            return target
    return url_for(default)


def back(default="web.dashboard"):
    """Redirect to the page named by ?next= or the form's next field, if it is ours."""
    return redirect(safe_next(request.values.get("next"), default))


def apply_errors(form, exc):
    """Show a service's Invalid errors on the form fields they name (or on the form)."""
    aliases = getattr(form, "error_aliases", {})
    for name, message in exc.errors.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]
        else:
            form.form_errors.append(message)


def render_form(template, form, *, error_status=422, **context):
    """The page of a form: 200, or ``error_status`` once the form (or a service,
    through apply_errors) has found something to correct."""
    return render_template(template, form=form, **context), error_status if form.errors else 200


def page_arg(name="page"):
    """The page number asked for in the query string; anything that is not one
    (empty, 0, "²", too far) is the first page."""
    page = validation.row_id_or_none(request.args.get(name))
    return page if page is not None and page <= MAX_PAGE else 1


def or_404(function, *args, **kwargs):
    """Call a service; another ledger's ids and missing ids both become a 404 page."""
    try:
        return function(*args, **kwargs)
    except NotFound:
        abort(404)
    except Forbidden:
        abort(403)


__all__ = ["Invalid", "apply_errors", "back", "current_ledger", "or_404", "page_arg", "render_form", "safe_next"]


def register_template_helpers(blueprint):
    blueprint.add_app_template_global(safe_next, "safe_next")
