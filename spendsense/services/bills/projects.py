"""Shared-bill projects: creating, finding, changing and deleting them, and proving
access to one with its private code or a project token.

Messages are ihatemoney's (WTForms' standard ones where ihatemoney used WTForms), so
the ihatemoney-compatible API can pass them through unchanged and the web pages say
the same thing. Members live in members.py, bills in bills.py, lookups in lookup.py.
"""

import hashlib
import hmac
import re
import unicodedata

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, exists, select, update
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from spendsense import money
from spendsense.extensions import db
from spendsense.models import NO_CURRENCY, Bill, Project
from spendsense.services import audit, validation
from spendsense.services.auth import credential_cache, security_log
from spendsense.services.bills import booking, lookup
from spendsense.services.errors import Invalid
from spendsense.services.uow import write_transaction

REQUIRED = "This field is required."
INVALID_EMAIL = "Invalid email address."
INVALID_CODE = "Invalid private code."
RESERVED_IDS = {"dashboard"}
MAX_CODE_LENGTH = 1024
TOKEN_SALT = "spendsense-project-token"
GRANT_SALT = "spendsense-project-grant"
PROJECT_FIELDS = ("name", "contact_email", "default_currency", "history_enabled")

def slugify(value):
    """ihatemoney's project id: accents stripped, lower case, spaces and dashes -> "-"."""
    value = unicodedata.normalize("NFKD", str(value)).encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def _hash(code):
    return generate_password_hash(code, method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def required_text(value, field, max_length):
    """Text that must be given; a missing one reads as WTForms says it (ihatemoney's API)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid.field(field, REQUIRED)
    return validation.text(value, field, max_length=max_length, required=True)


def _name(value):
    return required_text(value, "name", 100)


def clean_email(value, field="contact_email"):
    email = required_text(value, field, 254)
    try:
        return validate_email(email, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise Invalid.field(field, INVALID_EMAIL) from exc


def clean_code(value, field="password"):
    if not isinstance(value, str) or not value:
        raise Invalid.field(field, REQUIRED)
    if len(value) > MAX_CODE_LENGTH:
        raise Invalid.field(field, f"The private code must be at most {MAX_CODE_LENGTH} characters.")
    return value


def clean_currency(value, field="default_currency"):
    code = str(value or "").strip().upper()
    if code not in lookup.currencies():
        raise Invalid.field(field, "Not a valid choice.")
    return code


def taken_message(project_id):
    return (f'A project with this identifier ("{project_id}") already exists. '
            "Please choose a new identifier")


def clean_new_id(value):
    if not isinstance(value, str) or not value.strip():
        raise Invalid.field("id", REQUIRED)
    project_id = slugify(value)
    if not project_id:
        raise Invalid.field("id", "The identifier must contain letters or digits.")
    if len(project_id) > lookup.MAX_ID_LENGTH:
        raise Invalid.field("id", f"The identifier must be at most {lookup.MAX_ID_LENGTH} characters.")
    if project_id in RESERVED_IDS or db.session.get(Project, project_id) is not None:
        raise Invalid.field("id", taken_message(project_id))
    return project_id


def create_project(*, name, project_id, password, contact_email, default_currency=None,
                   history_enabled=True, owner_id=None, actor=None):
    """A new project; its id is the slug of ``project_id`` (returned on the project)."""
    errors = {}
    values = {}
    checks = (("name", _name, name), ("id", clean_new_id, project_id), ("password", clean_code, password),
              ("contact_email", clean_email, contact_email),
              ("default_currency", clean_currency, default_currency or NO_CURRENCY))
    for field, check, value in checks:
        try:
            values[field] = check(value)
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    project = Project(id=values["id"], name=values["name"], password_hash=_hash(values["password"]),
                      contact_email=values["contact_email"], default_currency=values["default_currency"],
                      history_enabled=bool(history_enabled), owner_id=owner_id)
    try:
        with write_transaction() as session:
            session.add(project)
            session.flush()
            audit.record(project, "project", project.id, "create",
                         {"name": [None, project.name], "default_currency": [None, project.default_currency]},
                         actor)
    except IntegrityError as exc:  # the same id, created meanwhile
        raise Invalid.field("id", taken_message(values["id"])) from exc
    return project


def check_code(project, code):
    """True when ``code`` is the project's private code."""
    if not isinstance(code, str) or not code or len(code) > MAX_CODE_LENGTH:
        return False
    # ihatemoney clients send the code with every request: a verified one is remembered
    # for a few minutes (until the code changes), so the slow hash is paid once.
    return credential_cache.project_code(project, code)


def authenticate(project_id, code):
    """The project whose id (any case) and private code these are, or None."""
    project = lookup.find_project(project_id)
    if project is None or not check_code(project, code):
        return None
    return project


def grant_stamp(project):
    """A short fingerprint of the project's identity, which a browser's grant carries:
    its row (id and creation time) and its private code's hash. Changing the code
    changes the hash; a project deleted and created again under the same id has another
    creation time and another hash (the hash's salt is random, even for the same code).
    Either way, grants stamped before no longer match and open nothing."""
    secret = current_app.config["SECRET_KEY"].encode("utf-8")
    identity = f"{GRANT_SALT}\0{project.id}\0{project.created_at.isoformat()}\0{project.password_hash}"
    return hmac.new(secret, identity.encode(), hashlib.sha256).hexdigest()[:32]


def _serializer(project):
    # The salt follows the private code's hash: changing the code kills every token.
    salt = f"{TOKEN_SALT}:{hashlib.sha256(project.password_hash.encode()).hexdigest()}"
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt)


def issue_token(project):
    """ihatemoney's project token: the signed list [project id]."""
    return _serializer(project).dumps([project.id])


def project_for_token(project_id, token):
    """The project this token opens, if it is ``project_id``'s and still valid."""
    project = lookup.find_project(project_id)
    if project is None or not isinstance(token, str) or not token or len(token) > 500:
        return None
    try:
        data = _serializer(project).loads(token)
    except BadSignature:
        return None
    return project if data == [project.id] else None


def snapshot(project):
    return {field: getattr(project, field) for field in PROJECT_FIELDS}


def update_project(project_id, *, current_password, name=None, contact_email=None, password=None,
                   default_currency=None, history_enabled=None, actor=None, address=None, user_agent=None):
    """Change settings; the current private code is required, whoever asks. Fields left
    None stay as they are, and an empty new ``password`` keeps the code. A new code is
    also written to the security log of the SpendSense user who set it, if any (with
    the client's ``address`` and ``user_agent``)."""
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        if not isinstance(current_password, str) or not current_password:
            raise Invalid.field("current_password", REQUIRED)
        if not check_code(project, current_password):
            raise Invalid.field("current_password", INVALID_CODE)
        before = snapshot(project)
        errors = {}
        for field, check, value in (("name", _name, name), ("contact_email", clean_email, contact_email),
                                    ("default_currency", clean_currency, default_currency)):
            if value is None:
                continue
            try:
                setattr(project, field, check(value))
            except Invalid as exc:
                errors.update(exc.errors)
        if password:
            try:
                project.password_hash = _hash(clean_code(password))
            except Invalid as exc:
                errors.update(exc.errors)
        if errors:
            raise Invalid(errors)
        if project.default_currency != before["default_currency"]:
            _switch_currency(project, before["default_currency"])
        if history_enabled is not None:
            project.history_enabled = bool(history_enabled)
        changes = audit.diff(before, snapshot(project))
        if password:
            changes["password"] = ["", "changed"]
            if actor is not None and actor.user_id is not None:
                security_log.record(actor.user_id, "project_code_changed", detail=f"{project.name} ({project.id})",
                                    address=address, user_agent=user_agent)
        # A project that just turned its history off records that one last change.
        if changes and (project.history_enabled or before["history_enabled"]):
            project.history_enabled, keep = True, project.history_enabled
            audit.record(project, "project", project.id, "update", changes, actor)
            project.history_enabled = keep
    return project


def _switch_currency(project, old):
    """Without exchange rates, a project with bills may only move between a currency
    and "no currency" (amounts stay as they are), with the same number of decimals."""
    new = project.default_currency
    has_bills = db.session.scalar(select(exists().where(Bill.project_id == project.id)))
    if has_bills and (NO_CURRENCY not in (old, new) or money.places(old) != money.places(new)):
        raise Invalid.field("default_currency", (
            "This project has bills: without exchange rates its currency can only change "
            "between a currency and “no currency” (XXX) with the same decimals."))
    db.session.execute(update(Bill).where(Bill.project_id == project.id, Bill.original_currency.in_((old, NO_CURRENCY)))
                       .values(original_currency=new).execution_options(synchronize_session=False))
    booking.currency_changed(project)


def delete_project(project_id, *, actor=None):
    """Delete the project with its members, bills and history (and the linked users'
    personal transactions that booked their shares)."""
    with write_transaction() as session:
        project = lookup.get_project(project_id, for_update=True)
        booking.forget_project(project)
        session.execute(delete(Project).where(Project.id == project.id))
        session.expunge(project)


def set_history(project_id, enabled, *, actor=None):
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        if project.history_enabled != bool(enabled):
            project.history_enabled = True
            audit.record(project, "project", project.id, "update", {"history_enabled": [not enabled, bool(enabled)]},
                         actor)
            project.history_enabled = bool(enabled)
    return project


def erase_history(project_id):
    with write_transaction():
        audit.erase_project_history(lookup.get_project(project_id).id)


