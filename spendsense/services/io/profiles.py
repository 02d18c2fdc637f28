"""Saved CSV mappings ("profiles"): a bank's column layout, remembered by its header row.

The next file whose header row folds to the same key is read with the saved dialect
(encoding, delimiter, decimal mark, date format, header line and column roles), so
the mapping screen opens already filled in, and an API upload can name the profile.
"""

import json
from dataclasses import asdict, fields

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import CsvProfile
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.io.parsers import ColumnMapping, CsvDialect
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

_SEPARATOR = "\x1f"
_ROLES = tuple(f.name for f in fields(ColumnMapping))


def header_key(header):
    """The header row folded: case, surrounding spaces and a BOM do not tell two banks' files apart."""
    return _SEPARATOR.join(" ".join(cell.replace("\ufeff", "").split()).casefold() for cell in header)[:2000]


def to_json(dialect):
    return json.dumps(asdict(dialect), ensure_ascii=False, sort_keys=True)


def from_json(text):
    """The CsvDialect a profile holds; Invalid when the stored JSON is not one."""
    try:
        data = json.loads(text)
        mapping = ColumnMapping(**{role: data["mapping"].get(role) for role in _ROLES})
        return CsvDialect(encoding=data["encoding"], delimiter=data["delimiter"], decimal=data["decimal"],
                          date_format=data["date_format"], header_line=int(data["header_line"]),
                          header=tuple(data["header"]), mapping=mapping, quotechar=data.get("quotechar", '"'))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Invalid.field("profile", "The saved profile cannot be read; save the mapping again.") from exc


def dialect_of(profile):
    return from_json(profile.dialect)


def list_profiles(ledger_id):
    return db.session.scalars(owned(CsvProfile, ledger_id).order_by(CsvProfile.name, CsvProfile.id)).all()


def get_profile(ledger_id, profile_id):
    return get_owned(CsvProfile, ledger_id, profile_id, message="Profile not found")


def find_by_name(ledger_id, name):
    if not isinstance(name, str) or not name.strip():
        return None
    return db.session.scalars(owned(CsvProfile, ledger_id).where(CsvProfile.name == name.strip())).first()


def find_for_header(ledger_id, header):
    """The newest profile saved for this header row, or None."""
    return db.session.scalars(owned(CsvProfile, ledger_id).where(CsvProfile.header_key == header_key(header))
                              .order_by(CsvProfile.updated_at.desc(), CsvProfile.id.desc())).first()


def save_profile(ledger_id, name, dialect):
    """Remember ``dialect`` as the profile ``name``: a profile of that name is replaced."""
    name = validation.text(name, "profile_name", max_length=100, required=True, label="Profile name")
    if dialect.mapping.date is None or (dialect.mapping.amount is None and dialect.mapping.debit is None
                                        and dialect.mapping.credit is None):
        raise Invalid.field("profile_name", "A profile needs a date column and an amount (or debit/credit) column.")
    try:
        with write_transaction() as session:
            profile = session.scalars(select(CsvProfile).where(CsvProfile.ledger_id == ledger_id,
                                                               CsvProfile.name == name)).first()
            if profile is None:
                profile = CsvProfile(ledger_id=ledger_id, name=name)
                session.add(profile)
            profile.header_key = header_key(dialect.header)
            profile.dialect = to_json(dialect)
    except IntegrityError as exc:  # the same name saved at the same moment by another request
        raise Invalid.field("profile_name", "A profile with this name was just saved; try again.") from exc
    return profile


def delete_profile(ledger_id, profile_id):
    with write_transaction() as session:
        profile = get_profile(ledger_id, profile_id)
        session.delete(profile)


__all__ = ["delete_profile", "dialect_of", "find_by_name", "find_for_header", "from_json",
           "get_profile", "header_key", "list_profiles", "save_profile", "to_json"]
