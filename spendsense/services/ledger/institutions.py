"""Institutions: the banks (or brokers, lenders) a ledger's accounts are held with.

An institution groups accounts; an account has at most one. Deleting an institution
never deletes accounts: they move to the institution it is merged into, or keep none.
"""

from sqlalchemy import update

from spendsense.extensions import db
from spendsense.models import Account, Institution
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Invalid
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

NOT_FOUND = "Institution not found."


def list_institutions(ledger_id):
    return db.session.scalars(owned(Institution, ledger_id).order_by(Institution.id)).all()


def get_institution(ledger_id, institution_id):
    return get_owned(Institution, ledger_id, institution_id, message=NOT_FOUND)


def _title(value):
    return validation.text(value, "title", max_length=100, required=True, label="Title")


def create_institution(ledger_id, title, currency):
    title = _title(title)
    currency = validation.currency(currency, "currency_code")
    with write_transaction() as session:
        institution = Institution(ledger_id=ledger_id, title=title, currency=currency)
        session.add(institution)
    return institution


def update_institution(ledger_id, institution_id, *, title=None, currency=None):
    """Change the given fields; None leaves a field as it is."""
    with write_transaction():
        institution = get_institution(ledger_id, institution_id)
        if title is not None:
            institution.title = _title(title)
        if currency is not None:
            institution.currency = validation.currency(currency, "currency_code")
    db.session.refresh(institution)
    return institution


def delete_institution(ledger_id, institution_id, *, merge_into=None):
    """Delete an institution. Its accounts (deleted ones too, so no row points at a
    missing institution) move to ``merge_into`` when given, else keep no institution."""
    with write_transaction() as session:
        institution = get_institution(ledger_id, institution_id)
        target = None
        if merge_into is not None:
            target = get_institution(ledger_id, merge_into).id
            if target == institution.id:
                raise Invalid.field("merge_into_institution_id",
                                    "An institution cannot be merged into itself.")
        session.execute(
            update(Account).where(Account.ledger_id == ledger_id, Account.institution_id == institution.id)
            .values(institution_id=target, updated_at=utcnow()).execution_options(synchronize_session=False)
        )
        session.delete(institution)
