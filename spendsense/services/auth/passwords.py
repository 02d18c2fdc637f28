"""Password rules and password hashing.

Rules: at least 12 characters, at most 1024 (a hash of a megabyte is a denial of
service), not only digits, not the username, and not one of the 20,000 most common
passwords (Django's list, bundled in spendsense/data with its licence), compared in
lower case as Django does, nor one of them with digits or symbols around it, a word
repeated, or a run of the alphabet or a keyboard row (``is_common``).

Hashing: werkzeug's scrypt with its defaults, written out so that an upgrade of
werkzeug never changes them silently: N = 2**15, r = 8, p = 1 (128 * N * r = 32 MiB of
memory per hash), a 16-character random salt and a 64-byte key, stored as
``scrypt:32768:8:1$<salt>$<hex>``. One hash took 0.17 s of one core (0.37-0.66 s with
the machine's two cores busy with 11 runnable processes); every hash keeps its own
parameters, so stronger ones later apply to new passwords and old hashes still verify.
Tests set PASSWORD_HASH_METHOD to a cheap pbkdf2.
"""

import gzip
import string
from functools import cache
from importlib import resources

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from spendsense.services.errors import Invalid

MIN_LENGTH = 12
MAX_LENGTH = 1024
HASH_METHOD = "scrypt:32768:8:1"


@cache
def common_passwords():
    """The bundled list, read once per process (about 20,000 short strings)."""
    data = resources.files("spendsense").joinpath("data", "common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip() for line in gzip.decompress(data).decode("utf-8").splitlines())


# Runs people type as if they were random: the alphabet, a keyboard row, digits.
_RUNS = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiopasdfghjklzxcvbnm", "qwertzuiopasdfghjklyxcvbnm",
         "azertyuiopqsdfghjklmwxcvbn", "01234567890")
_DECORATION = string.digits + string.punctuation + string.whitespace


def is_common(password):
    """True for a password a guesser tries early: one on the list, one of them dressed
    up with digits or symbols at its ends ("Password123!", "iloveyou1234"), a short
    chunk or a listed word repeated ("aaaaaaaaaaaa", "passwordpassword"), or a run of the
    alphabet, a keyboard row or the digits ("abcdefghijkl")."""
    common = common_passwords()
    lower = password.lower().strip()
    core = lower.strip(_DECORATION)
    if lower in common or core in common or len(set(lower)) <= 3:
        return True
    for size in range(1, len(core) // 2 + 1):
        chunk = core[:size]
        if len(core) % size == 0 and core == chunk * (len(core) // size) and (size <= 4 or chunk in common):
            return True
    return any(lower in run or lower in run[::-1] for run in _RUNS)


def check_rules(password, username=None, *, field="password"):
    """The password, or Invalid naming ``field`` with the first rule it breaks."""
    if not isinstance(password, str) or not password:
        raise Invalid.field(field, "Password is required.")
    if len(password) < MIN_LENGTH:
        raise Invalid.field(field, f"Password must be at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        raise Invalid.field(field, f"Password must be at most {MAX_LENGTH} characters.")
    if password.isdigit():
        raise Invalid.field(field, "Password must not be only digits.")
    if username and password.lower() == username.lower():
        raise Invalid.field(field, "Password must differ from the username.")
    if is_common(password):
        raise Invalid.field(field, "This password is one of the most common ones; choose one that is harder to guess.")
    return password


def hash_password(password):
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", HASH_METHOD))


def verify(password_hash, password):
    return check_password_hash(password_hash, password)
