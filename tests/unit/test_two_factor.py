"""Two-factor login (services/auth/two_factor.py) and re-authentication (reauth.py)."""

import time

import pyotp
import pytest
from sqlalchemy import select, text

from spendsense.extensions import db
from spendsense.models import RecoveryCode, SecurityEvent, User
from spendsense.services.auth import reauth, two_factor
from spendsense.services.errors import AuthenticationFailed, Invalid
from tests.conftest import PASSWORD

NOW = 1_800_000_000  # a fixed instant, so tests never straddle a 30-second step


def stored(user_id):
    db.session.rollback()
    return db.session.get(User, user_id, populate_existing=True)


def actions(user_id):
    db.session.rollback()
    return db.session.scalars(select(SecurityEvent.action).where(SecurityEvent.user_id == user_id)
                              .order_by(SecurityEvent.id)).all()


def code_at(secret, moment):
    return pyotp.TOTP(secret).at(moment)


@pytest.fixture
def enrolled(user):
    """alice with two-factor login on; (secret, recovery codes)."""
    secret = two_factor.pending_secret(user.id)
    codes = two_factor.enable(user.id, code_at(secret, NOW), now=NOW)
    return secret, codes


def test_set_up_keeps_one_pending_secret_until_switched_on(user):
    secret = two_factor.pending_secret(user.id)
    assert len(secret) == 32 and pyotp.TOTP(secret).at(NOW).isdigit()
    assert two_factor.pending_secret(user.id) == secret  # a reload shows the same QR code
    row = stored(user.id)
    assert row.totp_secret == secret and row.totp_enabled_at is None
    uri = two_factor.provisioning_uri(row, secret)
    assert uri.startswith("otpauth://totp/SpendSense:alice?secret=" + secret) and "issuer=SpendSense" in uri


@pytest.mark.parametrize("code", ["000000", "", None, "12345", "1234567", "abcdef", "１２３４５６", "1" * 10_000,
                                  "12\x0034", 123456])
def test_a_wrong_confirmation_code_leaves_it_off(user, code):
    secret = two_factor.pending_secret(user.id)
    if code == "000000" and code_at(secret, NOW) == code:
        code = "000001"
    with pytest.raises(Invalid) as caught:
        two_factor.enable(user.id, code, now=NOW)
    assert caught.value.errors == {"code": "That code is not right: enter the six digits your app shows now."}
    row = stored(user.id)
    assert row.totp_enabled_at is None and row.totp_secret == secret
    assert db.session.scalar(select(RecoveryCode.id)) is None
    assert actions(user.id) == []


def test_the_right_code_switches_it_on_with_ten_hashed_recovery_codes(user, enrolled):
    secret, codes = enrolled
    row = stored(user.id)
    assert row.totp_enabled_at is not None and row.totp_last_step == pyotp.TOTP(secret).timecode(NOW)
    assert len(codes) == 10 == len(set(codes))
    assert all(len(code) == 14 and code[4] == code[9] == "-" for code in codes)
    dump = db.session.execute(text("SELECT * FROM recovery_codes")).all()
    assert len(dump) == 10
    assert not any(code.replace("-", "") in str(value) for code in codes for line in dump for value in line)
    assert actions(user.id) == ["two_factor_enabled"]
    # the confirmation code cannot then log in, nor a second set-up start
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(user.id, code_at(secret, NOW), now=NOW)
    with pytest.raises(Invalid):
        two_factor.pending_secret(user.id)
    with pytest.raises(Invalid):
        two_factor.enable(user.id, code_at(secret, NOW + 30), now=NOW + 30)


def test_a_code_is_accepted_once_and_never_an_earlier_one(user, enrolled):
    secret, _codes = enrolled
    later = NOW + 90
    assert two_factor.check_code(user.id, code_at(secret, later), now=later) == "totp"
    with pytest.raises(AuthenticationFailed) as caught:
        two_factor.check_code(user.id, code_at(secret, later), now=later)
    assert caught.value.message == "That code was used already: wait for the next one of your app."
    # the previous step's code is still within the window, but older than the one used
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(user.id, code_at(secret, later - 30), now=later)
    assert two_factor.check_code(user.id, code_at(secret, later + 30), now=later) == "totp"


def test_the_window_is_one_step_each_side(user, enrolled):
    secret, _codes = enrolled
    now = NOW + 300
    for moment in (now - 60, now + 60):
        with pytest.raises(AuthenticationFailed):
            two_factor.check_code(user.id, code_at(secret, moment), now=now)
    assert two_factor.check_code(user.id, code_at(secret, now - 30), now=now) == "totp"
    assert two_factor.check_code(user.id, code_at(secret, now + 30), now=now) == "totp"


def test_a_recovery_code_works_once(user, enrolled):
    _secret, codes = enrolled
    assert two_factor.check_code(user.id, codes[3], address="192.0.2.7") == "recovery"
    with pytest.raises(AuthenticationFailed) as caught:
        two_factor.check_code(user.id, codes[3])
    assert caught.value.message == two_factor.USED_RECOVERY_CODE  # named, not "not right"
    assert two_factor.unused_code_count(user.id) == 9
    events = db.session.scalars(select(SecurityEvent).where(SecurityEvent.action == "recovery_code_used")).all()
    assert [(e.detail, e.address) for e in events] == [("9 left", "192.0.2.7")]


def test_recovery_codes_are_read_without_dashes_case_or_misread_letters(user, enrolled):
    _secret, codes = enrolled
    plain = codes[0].replace("-", "")
    typed = [f"  {plain.upper()} ", " ".join(plain[i:i + 4] for i in (0, 4, 8)),
             codes[1].replace("0", "O").replace("1", "l")]
    assert two_factor.check_code(user.id, typed[0]) == "recovery"
    assert two_factor.check_code(user.id, typed[2]) == "recovery"
    with pytest.raises(AuthenticationFailed):  # codes[0] again, typed otherwise
        two_factor.check_code(user.id, typed[1])


def test_another_users_recovery_code_does_not_work(user, other_user, enrolled):
    _secret, codes = enrolled
    two_factor.pending_secret(other_user.id)
    bob_secret = stored(other_user.id).totp_secret
    two_factor.enable(other_user.id, code_at(bob_secret, NOW), now=NOW)
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(other_user.id, codes[0])
    assert two_factor.unused_code_count(user.id) == 10


@pytest.mark.parametrize("code", ["", None, 42, ["123456"], "x" * 65, "\x00" * 6])
def test_bad_codes_are_refused(user, enrolled, code):
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(user.id, code)


def test_no_code_works_while_it_is_off(user, other_user):
    secret = two_factor.pending_secret(user.id)  # set-up started, not finished
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(user.id, code_at(secret, time.time()))
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(10**9, "123456")


def test_new_recovery_codes_replace_the_old_ones(user, enrolled):
    _secret, old = enrolled
    two_factor.check_code(user.id, old[0])
    new = two_factor.regenerate_codes(user.id)
    assert len(new) == 10 and not set(new) & set(old)
    assert two_factor.unused_code_count(user.id) == 10
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(user.id, old[1])
    assert two_factor.check_code(user.id, new[9]) == "recovery"
    assert actions(user.id) == ["two_factor_enabled", "recovery_code_used", "recovery_codes_regenerated",
                                "recovery_code_used"]


def test_no_recovery_codes_while_it_is_off(user):
    with pytest.raises(Invalid):
        two_factor.regenerate_codes(user.id)
    assert db.session.scalar(select(RecoveryCode.id)) is None


def test_switching_off_forgets_the_secret_and_codes(user, enrolled):
    secret, codes = enrolled
    two_factor.disable(user.id, address="192.0.2.1", user_agent="pytest")
    row = stored(user.id)
    assert (row.totp_secret, row.totp_enabled_at, row.totp_last_step) == (None, None, None)
    assert db.session.scalar(select(RecoveryCode.id)) is None
    with pytest.raises(AuthenticationFailed):
        two_factor.check_code(user.id, codes[0])
    assert actions(user.id) == ["two_factor_enabled", "two_factor_disabled"]
    # a new set-up gets a new secret
    assert two_factor.pending_secret(user.id) != secret


def test_reauth_without_two_factor_needs_the_password(user):
    reauth.confirm(user.id, PASSWORD)
    for wrong in ("nope", "", None, PASSWORD.upper(), "x" * 2000):
        with pytest.raises(Invalid) as caught:
            reauth.confirm(user.id, wrong)
        assert caught.value.errors == {"password": reauth.WRONG_PASSWORD}


def test_reauth_with_two_factor_needs_a_code_and_spends_none_on_a_wrong_password(user):
    secret = two_factor.pending_secret(user.id)
    codes = two_factor.enable(user.id, code_at(secret, time.time() - 30))
    with pytest.raises(Invalid) as caught:
        reauth.confirm(user.id, PASSWORD)
    assert set(caught.value.errors) == {"code"}
    with pytest.raises(Invalid) as caught:
        reauth.confirm(user.id, "wrong password", codes[0])
    assert set(caught.value.errors) == {"password"}
    assert two_factor.unused_code_count(user.id) == 10
    with pytest.raises(Invalid) as caught:
        reauth.confirm(user.id, PASSWORD, "000000" if code_at(secret, time.time()) != "000000" else "000001")
    assert caught.value.errors == {"code": two_factor.WRONG_CODE}
    reauth.confirm(user.id, PASSWORD, codes[0])
    assert two_factor.unused_code_count(user.id) == 9
    reauth.confirm(user.id, PASSWORD, code_at(secret, time.time()))


def test_a_confirmation_is_fresh_for_a_few_minutes(app):
    assert reauth.fresh_for() == 300
    assert reauth.is_fresh(NOW, now=NOW) and reauth.is_fresh(NOW, now=NOW + 299)
    assert not reauth.is_fresh(NOW, now=NOW + 300)
    assert not reauth.is_fresh(NOW + 10, now=NOW)  # from the future: a forged stamp
    for stamp in (None, "1800000000", True, [NOW]):
        assert not reauth.is_fresh(stamp, now=NOW)
    app.config["REAUTH_SECONDS"] = 60
    assert not reauth.is_fresh(NOW, now=NOW + 60)
