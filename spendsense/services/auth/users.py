"""Registering, authenticating and configuring users."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import Ledger, LedgerMember, User
from spendsense.services import validation
from spendsense.services.auth import passwords, security_log
from spendsense.services.errors import AuthenticationFailed, Invalid, NotFound
from spendsense.services.uow import write_transaction

USERNAME_RE = re.compile(r"^[\w.@+-]+$")
MAX_PASSWORD_LENGTH = passwords.MAX_LENGTH
LEDGER_NAME_LENGTH = Ledger.__table__.c.name.type.length
# Checked against when the user does not exist, so a wrong username costs as long
# as a wrong password and response times do not reveal which usernames exist.
_DUMMY_HASH = None


def clean_username(value):
    username = validation.text(value, "username", max_length=150, required=True, label="Username")
    if not USERNAME_RE.match(username):
        raise Invalid.field("username", "Username may contain only letters, digits and @ . + - _")
    return username


def clean_email(value):
    email = validation.text(value, "email", max_length=254, required=True, label="Email")
    try:
        result = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        raise Invalid.field("email", "Enter a valid email address.") from exc
    return result.normalized.lower()


def clean_timezone(value):
    name = validation.text(value, "timezone", max_length=64, required=True, label="Time zone")
    if name not in available_timezones():
        raise Invalid.field("timezone", "Unknown time zone; use a name like Europe/Kyiv.")
    return name


# Both sides are lowered by the database, the same lower() the unique index uses:
# SQLite's only folds ASCII, so a Python-lowered "émilie" would never match "Émilie".
def username_taken(username):
    return db.session.scalar(
        select(func.count()).select_from(User).where(func.lower(User.username) == func.lower(username.strip()))
    ) > 0


def find_by_login(login):
    """The user whose username (any case) or email matches, or None."""
    # PostgreSQL refuses a NUL in a query parameter; no username or email holds one.
    if not isinstance(login, str) or not login.strip() or len(login) > 254 or "\x00" in login:
        return None
    key = login.strip()
    return db.session.scalars(
        select(User).where(or_(func.lower(User.username) == func.lower(key), User.email == key.lower()))
    ).first()


def personal_ledger_name(username):
    """"alice's ledger", shortened to fit the column when the username is long."""
    suffix = "'s ledger"
    return username[:LEDGER_NAME_LENGTH - len(suffix)] + suffix


def register(username, email, password, *, base_currency=None, timezone=None):
    """Create a user and their personal ledger. Returns the User."""
    errors = {}
    cleaned = {}
    for field, check in (("username", clean_username), ("email", clean_email)):
        try:
            cleaned[field] = check(username if field == "username" else email)
        except Invalid as exc:
            errors.update(exc.errors)
    try:
        passwords.check_rules(password, cleaned.get("username"))
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        currency = validation.currency(base_currency or current_app.config["DEFAULT_CURRENCY"], "base_currency")
    except Invalid as exc:
        errors.update(exc.errors)
    try:
        zone = clean_timezone(timezone or current_app.config["DEFAULT_TIMEZONE"])
    except Invalid as exc:
        errors.update(exc.errors)
    if "username" in cleaned and username_taken(cleaned["username"]):
        errors["username"] = "This username is already taken."
    if "email" in cleaned and db.session.scalar(select(User.id).where(User.email == cleaned["email"])):
        errors["email"] = "An account with this email already exists."
    if errors:
        raise Invalid(errors)

    try:
        with write_transaction() as session:
            user = User(username=cleaned["username"], email=cleaned["email"], password_hash=passwords.hash_password(password),
                        base_currency=currency, timezone=zone,
                        locale=current_app.config["DEFAULT_LOCALE"])
            session.add(user)
            session.flush()
            ledger = Ledger(name=personal_ledger_name(cleaned["username"]), owner_id=user.id)
            session.add(ledger)
            session.add(LedgerMember(ledger=ledger, user=user, role="owner", is_personal=True))
    except IntegrityError as exc:  # a concurrent sign-up took the username or email first
        if username_taken(cleaned["username"]):
            raise Invalid.field("username", "This username is already taken.") from exc
        raise Invalid.field("email", "An account with this email already exists.") from exc
    return user


def authenticate(login, password):
    """The user for these credentials, or AuthenticationFailed (same for every failure)."""
    global _DUMMY_HASH
    user = find_by_login(login)
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        password = ""
    if user is None:
        if _DUMMY_HASH is None:
            _DUMMY_HASH = passwords.hash_password("not-a-real-password")
        passwords.verify(_DUMMY_HASH, password)
        raise AuthenticationFailed("Unable to log in with provided credentials.")
    if not password or not passwords.verify(user.password_hash, password):
        raise AuthenticationFailed("Unable to log in with provided credentials.")
    return user


def record_failed_login(login, *, detail="", address=None, user_agent=None):
    """Note a wrong password in the security log of the account it was for, if any
    (``detail``: which door, e.g. "Xpenser API"; at most one a minute per address)."""
    user = find_by_login(login)
    if user is not None:
        security_log.record_failure(user.id, "login_failed", detail=detail, address=address, user_agent=user_agent)


def change_password(user_id, current_password, new_password, *, address=None, user_agent=None):
    """Set a new password and end every session and remember cookie of the user (the
    session version moves on), in one transaction with its security-log event.
    The caller re-identifies the browser the change was made from."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    if (not isinstance(current_password, str) or len(current_password) > MAX_PASSWORD_LENGTH
            or not passwords.verify(user.password_hash, current_password)):
        raise Invalid.field("current_password", "Current password is incorrect.")
    passwords.check_rules(new_password, user.username)
    with write_transaction() as session:
        user = session.get(User, user_id)
        user.password_hash = passwords.hash_password(new_password)
        user.session_version = User.session_version + 1
        security_log.record(user_id, "password_changed", address=address, user_agent=user_agent)
    return user


def update_settings(user_id, *, base_currency=None, timezone=None, week_start=None, display_name=None,
                    beta_user=None, always_show_base_currency=None):
    """Change the given settings (None: keep); every bad value is reported at once."""
    errors = {}
    changes = {}
    if display_name is not None:
        try:
            changes["display_name"] = validation.text(display_name, "name", max_length=100, label="Name")
        except Invalid as exc:
            errors.update(exc.errors)
    for field, value in (("beta_user", beta_user), ("always_show_base_currency", always_show_base_currency)):
        if value is not None:
            changes[field] = bool(value)
    if base_currency is not None:
        try:
            changes["base_currency"] = validation.currency(base_currency, "base_currency")
        except Invalid as exc:
            errors.update(exc.errors)
    if timezone is not None:
        try:
            changes["timezone"] = clean_timezone(timezone)
        except Invalid as exc:
            errors.update(exc.errors)
    if week_start is not None:
        if str(week_start) not in {str(n) for n in range(7)}:
            errors["week_start"] = "Week start must be a day number from 0 (Monday) to 6 (Sunday)."
        else:
            changes["week_start"] = int(week_start)
    if errors:
        raise Invalid(errors)
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("User not found")
        for key, value in changes.items():
            setattr(user, key, value)
    return user


def local_now(ledger_id):
    """Now, as wall-clock time in the time zone of the ledger's owner."""
    zone = db.session.scalar(select(User.timezone).join(Ledger, Ledger.owner_id == User.id)
                             .where(Ledger.id == ledger_id)) or "UTC"
    return datetime.now(ZoneInfo(zone)).replace(tzinfo=None, microsecond=0)
