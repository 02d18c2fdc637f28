"""The ihatemoney dialect (`/api/projects...`, `/api/currencies`), for MoneyBuster,
PayForMe and ihatemoney scripts (reference/ihatemoney-api.md, COMPAT.md section 2).

Answers are written as flask-restful wrote them for ihatemoney: ``json.dumps(obj) +
"\\n"`` with the standard library's default separators and ASCII escapes, whatever
the body (a bare id ``1``, a string ``"OK"``, a dict of field errors). Every route but
creating a project and listing currencies needs the project's id and private code
(HTTP Basic) or a project token (any scheme word); authentication runs before any
validation or lookup; wrong credentials count against the project's and the address's
limits (throttle.py), a request without any is a plain 401, and a verified private code
is remembered for a few minutes (credential_cache.py). Creating projects is limited per
address. CORS as ihatemoney has it: its URLs (and only those; not Xpenser's, which share
/api/) answer any origin, and a preflight OPTIONS needs no credentials.
"""

import json
from functools import wraps

from flask import Blueprint, current_app, g, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException, Unauthorized

from spendsense import throttle
from spendsense.api.errors import register_throttled
from spendsense.api.params import BadBody
from spendsense.services.bills import amounts as bill_amounts
from spendsense.services.bills import projects as shared_bills
from spendsense.services.errors import Forbidden, Invalid, NotFound

bp = Blueprint("projects_api", __name__)

UNAUTHORIZED = Unauthorized.description
REQUIRED = shared_bills.REQUIRED
# Input ihatemoney's form fields could not even parse reads "This field is required."
# (WTForms' DataRequired replaces the parse error), so clients see that message.
UNPARSED = {"amount": set(bill_amounts.UNPARSEABLE_MESSAGES), "date": None}


@bp.record_once
def _cors(state):
    CORS(state.app, resources={r"/api/(projects|currencies)(/.*)?$": {"origins": "*"}})


def respond(obj, status=200):
    response = current_app.response_class(json.dumps(obj) + "\n", status=status, mimetype="application/json")
    return response


creation_limit = throttle.signup_limit("projects")


def _credentials_project(project_id):
    """ihatemoney's need_auth: Basic whose user name is the project id, else a token.
    ``g.project_by_token`` tells the views which: a token is a guest's (views.py).
    Any credential is an attempt at the project of the URL: checked against its limits
    before it is verified, counted when wrong (throttle.py). No Authorization at all is
    a plain 401, not counted."""
    header = request.headers.get("Authorization", "")
    if not header.strip():
        return None
    throttle.check(throttle.project_account(project_id))
    auth = request.authorization
    if auth is not None and auth.type == "basic" and (auth.username or "").lower() == project_id.lower():
        g.project_by_token = False
        project = shared_bills.authenticate(project_id, auth.password)
    else:
        parts = header.split(" ")
        g.project_by_token = True
        project = shared_bills.project_for_token(project_id, parts[1]) if len(parts) >= 2 and parts[1] else None
    if project is None:
        throttle.failed()
    return project


def guarded(view):
    """Authenticate the project first, before the view reads input or looks anything up
    (a preflight OPTIONS never reaches a view: Flask answers it, flask-cors adds headers)."""

    @wraps(view)
    def authenticated(project_id, **kwargs):
        project = _credentials_project(project_id)
        if project is None:
            return respond({"message": UNAUTHORIZED}, 401)
        g.project = project
        return view(project_id, **kwargs)

    return authenticated


def field_errors(errors):
    result = {}
    for field, message in errors.items():
        unparsed = UNPARSED.get(field, False)
        if unparsed is None or (unparsed and message in unparsed):
            message = REQUIRED
        result[field] = [message]
    return result


@bp.errorhandler(Invalid)
def _invalid(exc):
    return respond(field_errors(exc.errors), 400)


@bp.errorhandler(NotFound)
def _not_found(_exc):
    return respond("Not Found", 404)


@bp.errorhandler(Forbidden)
def _forbidden(exc):
    return respond({"message": exc.message}, 403)


@bp.errorhandler(BadBody)
def _bad_body(exc):
    return respond({"message": str(exc)}, 400)


register_throttled(bp, lambda message, status, _errors: respond({"message": message}, status),
                   "Too many failed authentication attempts.", "Try again in {seconds} seconds.")


@bp.errorhandler(Exception)
def _unexpected(exc):
    if isinstance(exc, HTTPException):
        return respond({"message": exc.description}, exc.code or 500)
    current_app.logger.exception("ihatemoney API request failed: %s %s", request.method, request.path)
    return respond({"message": "Internal Server Error"}, 500)


from spendsense.api.projects import openapi, views  # noqa: E402,F401  (routes register on bp)
