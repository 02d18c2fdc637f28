"""Two-factor login: a TOTP secret for an authenticator app, and single-use recovery codes.

Setting up keeps the new secret on the user while ``totp_enabled_at`` is NULL (a
pending set-up: reloading the page shows the same QR code), and a right code from the
app switches it on. Every accepted code moves ``totp_last_step`` forward with one
conditional UPDATE, so a code (or an earlier one) never works twice, also when two
requests race with it. Recovery codes are random (60 bits), so a SHA-256 of the user
id and the code is enough to keep them (a slow password hash would cost ten of them a
login); a code is spent with one conditional UPDATE too.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
from sqlalchemy import delete, func, select, update

from spendsense.extensions import db
from spendsense.models import RecoveryCode, User
from spendsense.models.base import utcnow
from spendsense.services.auth import security_log
from spendsense.services.errors import AuthenticationFailed, Invalid, NotFound
from spendsense.services.uow import write_transaction

ISSUER = "SpendSense"
RECOVERY_CODE_COUNT = 10
# Crockford's base32 letters (no i, l, o, u: nothing to misread), 12 of them = 60 bits.
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
_CODE_LENGTH = 12
_MISREAD = str.maketrans("oil", "011")
# One step each side of now: a phone's clock a little off, or a code typed as it turns.
VALID_WINDOW = 1
MAX_CODE_LENGTH = 64
WRONG_CODE = "That code is not right. Enter the current code of your authenticator app, or a recovery code."
USED_RECOVERY_CODE = "This recovery code has already been used."
ALREADY_ON = "Two-factor login is already on."


def is_enabled(user):
    return user.totp_enabled_at is not None


def _user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("User not found")
    return user


def pending_secret(user_id):
    """The secret of the user's set-up under way, made on first call; Invalid once on."""
    user = _user(user_id)
    if is_enabled(user):
        raise Invalid.field("code", ALREADY_ON)
    if user.totp_secret:
        return user.totp_secret
    with write_transaction():
        user = _user(user_id)
        # A concurrent first call may have made one: keep it, it may be scanned already.
        if not user.totp_secret:
            user.totp_secret = pyotp.random_base32()
    return user.totp_secret


def provisioning_uri(user, secret):
    """The otpauth:// link the QR code holds, named for the user and this site."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def _clean(code):
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        return ""
    # Crockford's reading of the letters people type for digits (O for 0, I and L for 1).
    return "".join(code.split()).replace("-", "").lower().translate(_MISREAD)


def _matching_step(secret, code, now):
    """The time step whose TOTP code this is, within the window around now; or None."""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _take_step(user_id, step):
    """Accept a code of ``step`` unless a code of it or a later step was accepted already."""
    result = db.session.execute(
        update(User).where(User.id == user_id,
                           User.totp_last_step.is_(None) | (User.totp_last_step < step))
        .values(totp_last_step=step).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _digest(user_id, code):
    return hashlib.sha256(f"{user_id}:{code}".encode()).hexdigest()


def _new_codes(session, user_id):
    """Replace the user's recovery codes with fresh ones; the codes, shown once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH)) for _ in range(RECOVERY_CODE_COUNT)]
    now = utcnow()
    session.add_all(RecoveryCode(user_id=user_id, code_hash=_digest(user_id, code), created_at=now)
                    for code in codes)
    return [display_code(code) for code in codes]


def display_code(code):
    """"abcd-efgh-jkmn": read and typed in groups of four (the dashes are optional)."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def enable(user_id, code, *, address=None, user_agent=None, now=None):
    """Switch two-factor login on once ``code`` is right for the pending secret;
    the ten recovery codes (shown once). Invalid (field "code") otherwise."""
    with write_transaction() as session:
        user = _user(user_id)
        if is_enabled(user):
            raise Invalid.field("code", ALREADY_ON)
        if not user.totp_secret:
            raise Invalid.field("code", "Start the set-up again: there is no code to check.")
        step = _matching_step(user.totp_secret, _clean(code), time.time() if now is None else now)
        if step is None:
            raise Invalid.field("code", "That code is not right: enter the six digits your app shows now.")
        user.totp_enabled_at = utcnow()
        user.totp_last_step = step
        codes = _new_codes(session, user_id)
        security_log.record(user_id, "two_factor_enabled", address=address, user_agent=user_agent)
    return codes


def check_code(user_id, code, *, address=None, user_agent=None, now=None):
    """Accept a TOTP code (never twice) or an unused recovery code (then spent) of a user
    with two-factor login on; "totp" or "recovery". AuthenticationFailed otherwise."""
    cleaned = _clean(code)
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None or not is_enabled(user) or not cleaned:
            raise AuthenticationFailed(WRONG_CODE)
        step = _matching_step(user.totp_secret, cleaned, time.time() if now is None else now)
        if step is not None:
            if _take_step(user_id, step):
                return "totp"
            raise AuthenticationFailed("That code was used already: wait for the next one of your app.")
        spent = db.session.execute(
            update(RecoveryCode).where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None),
                                       RecoveryCode.code_hash == _digest(user_id, cleaned))
            .values(used_at=utcnow()).execution_options(synchronize_session=False))
        if spent.rowcount != 1:
            used = db.session.scalar(select(RecoveryCode.id).where(
                RecoveryCode.user_id == user_id, RecoveryCode.code_hash == _digest(user_id, cleaned),
                RecoveryCode.used_at.is_not(None)).limit(1))
            raise AuthenticationFailed(USED_RECOVERY_CODE if used is not None else WRONG_CODE)
        left = unused_code_count(user_id)
        security_log.record(user_id, "recovery_code_used", detail=f"{left} left", address=address,
                            user_agent=user_agent)
    return "recovery"


def unused_code_count(user_id):
    return db.session.scalar(select(func.count()).select_from(RecoveryCode)
                             .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None)))


def regenerate_codes(user_id, *, address=None, user_agent=None):
    """Ten new recovery codes in place of the old ones (used or not); Invalid when off."""
    with write_transaction() as session:
        if not is_enabled(_user(user_id)):
            raise Invalid.field("code", "Two-factor login is off: there are no recovery codes to replace.")
        codes = _new_codes(session, user_id)
        security_log.record(user_id, "recovery_codes_regenerated", address=address, user_agent=user_agent)
    return codes


def disable(user_id, *, address=None, user_agent=None):
    """Switch two-factor login off: the secret and the recovery codes are forgotten."""
    with write_transaction() as session:
        user = _user(user_id)
        was_on = is_enabled(user)
        user.totp_secret = None
        user.totp_enabled_at = None
        user.totp_last_step = None
        session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
        if was_on:
            security_log.record(user_id, "two_factor_disabled", address=address, user_agent=user_agent)
    return user
