"""Password rules (12 characters at least, none of the most common passwords) and the
bundled list they use."""

from pathlib import Path

import pytest
from werkzeug.security import check_password_hash

from spendsense.services.auth import passwords
from spendsense.services.errors import Invalid

COMMON = "This password is one of the most common ones; choose one that is harder to guess."


@pytest.mark.parametrize(("password", "message"), [
    ("a" * 11, "Password must be at least 12 characters."),
    ("correct-h0rs", None),
    ("password1234", COMMON),
    ("PASSWORD1234", COMMON),
    ("qwertyuiop12", COMMON),
    ("1qaz2wsx3edc", COMMON),
    ("999999999999", "Password must not be only digits."),
    ("Alice-alice-", "Password must differ from the username."),
    ("Password123!", COMMON),  # a listed word with digits and symbols around it
    ("iloveyou1234", COMMON),
    ("aaaaaaaaaaaa", COMMON),  # one character, a short chunk or a listed word repeated
    ("abababababab", COMMON),
    ("passwordpassword", COMMON),
    ("abcdefghijkl", COMMON),  # a run of the alphabet or a keyboard row, either way
    ("lkjhgfdsapoi", COMMON),
    ("horse-battery-staple", None),
    ("xy7" * 341 + "z", None),
    ("xy7" * 341 + "zz", "Password must be at most 1024 characters."),
    ("", "Password is required."),
    (None, "Password is required."),
])
def test_rules(password, message):
    if message is None:
        assert passwords.check_rules(password, "alice-alice-") == password
    else:
        with pytest.raises(Invalid) as caught:
            passwords.check_rules(password, "alice-alice-")
        assert caught.value.errors == {"password": message}


def test_the_bundled_list_is_djangos():
    common = passwords.common_passwords()
    assert len(common) == 19640
    assert {"123456", "password", "qwerty", "password1234"} <= common
    assert all(word == word.lower() for word in common)


def test_the_list_is_package_data():
    from importlib import resources

    data = resources.files("spendsense").joinpath("data")
    assert data.joinpath("common-passwords.txt.gz").is_file()
    assert "Django Software Foundation" in data.joinpath("LICENSE.django").read_text()
    with open(Path(__file__).parents[2] / "MANIFEST.in") as manifest:
        assert "recursive-include spendsense/data *" in manifest.read()


def test_new_hashes_are_scrypt_with_the_documented_parameters(app):
    app.config.pop("PASSWORD_HASH_METHOD")  # tests use a cheap one; this is the real default
    hashed = passwords.hash_password("correct-h0rs")
    assert hashed.startswith("scrypt:32768:8:1$")
    assert check_password_hash(hashed, "correct-h0rs")
