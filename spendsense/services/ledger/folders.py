"""Reports: named folders of expenses (Xpenser), one of them current.

Quick entries and Xpenser creates that name no report go to the current one, which is
made ("Expenses") the first time it is needed. Closing a report keeps its expenses but
refuses new ones; the current report, once closed, is no longer current. Moving an
expense between reports stamps it as modified, so clients syncing changes see the move.
"""

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError

from spendsense.extensions import db
from spendsense.models import Report, Transaction
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

DEFAULT_NAME = "Expenses"
DUPLICATE_NAME = "A report with this name already exists."
CLOSED = "This report is closed; reopen it or choose another."
MAX_MOVE = 1000


def list_reports(ledger_id):
    """The ledger's reports: the current one first, then open ones, then closed ones."""
    return db.session.scalars(
        owned(Report, ledger_id)
        .order_by(Report.is_current.desc(), Report.closed_at.is_not(None), Report.name, Report.id)
    ).all()


def counts(ledger_id):
    """{report id or None (unfiled): number of live transactions}."""
    rows = db.session.execute(
        owned(Transaction, ledger_id).with_only_columns(Transaction.report_id, func.count())
        .group_by(Transaction.report_id)).all()
    return {report_id: total for report_id, total in rows}


def get_report(ledger_id, report_id):
    return get_owned(Report, ledger_id, report_id, message="Report not found")


def current_report(ledger_id):
    """The current report, or None (reading never creates one)."""
    return db.session.scalars(owned(Report, ledger_id).where(Report.is_current.is_(True))).first()


def _clean_name(name):
    return validation.text(name, "name", max_length=100, required=True, label="Report name")


def _name_taken(ledger_id, name, exclude_id=None):
    key = name.casefold()
    rows = db.session.execute(owned(Report, ledger_id).with_only_columns(Report.id, Report.name)).all()
    return any(row_name.casefold() == key and row_id != exclude_id for row_id, row_name in rows)


def _unset_current(ledger_id):
    db.session.execute(
        update(Report).where(Report.ledger_id == ledger_id, Report.is_current.is_(True))
        .values(is_current=False, updated_at=utcnow()).execution_options(synchronize_session=False))
    db.session.flush()


def create_report(ledger_id, name, *, make_current=False):
    """A new open report; current when asked, or when the ledger has no current one."""
    name = _clean_name(name)
    make_current = validation.boolean(make_current, "make_current", default=False)
    if _name_taken(ledger_id, name):
        raise Invalid.field("name", DUPLICATE_NAME)
    try:
        with write_transaction() as session:
            if make_current:
                _unset_current(ledger_id)
            report = Report(ledger_id=ledger_id, name=name,
                            is_current=make_current or current_report(ledger_id) is None)
            session.add(report)
    except IntegrityError as exc:  # a concurrent request took the name first
        raise Invalid.field("name", DUPLICATE_NAME) from exc
    return report


def ensure_current(ledger_id):
    """The current report, made (and named after the first free "Expenses") if missing.
    Joins the caller's write transaction."""
    with write_transaction() as session:
        report = current_report(ledger_id)
        if report is not None:
            return report
        name, number = DEFAULT_NAME, 1
        while _name_taken(ledger_id, name):
            number += 1
            name = f"{DEFAULT_NAME} {number}"
        try:
            with session.begin_nested():
                report = Report(ledger_id=ledger_id, name=name, is_current=True)
                session.add(report)
        except IntegrityError:  # made meanwhile by a concurrent request
            report = current_report(ledger_id)
            if report is None:
                raise
        return report


def fileable(ledger_id, report_id):
    """The id of an open report of the ledger that expenses may be filed in."""
    report = get_report(ledger_id, validation.identifier(report_id, "report"))
    if report.is_closed:
        raise Invalid.field("report", CLOSED)
    return report.id


def rename_report(ledger_id, report_id, name):
    name = _clean_name(name)
    try:
        with write_transaction():
            report = get_report(ledger_id, report_id)
            if _name_taken(ledger_id, name, exclude_id=report.id):
                raise Invalid.field("name", DUPLICATE_NAME)
            report.name = name
    except IntegrityError as exc:
        raise Invalid.field("name", DUPLICATE_NAME) from exc
    return report


def close_report(ledger_id, report_id):
    with write_transaction():
        report = get_report(ledger_id, report_id)
        if report.closed_at is None:
            report.closed_at = utcnow()
        report.is_current = False
    return report


def reopen_report(ledger_id, report_id):
    with write_transaction():
        report = get_report(ledger_id, report_id)
        report.closed_at = None
    return report


def make_current(ledger_id, report_id):
    with write_transaction():
        report = get_report(ledger_id, report_id)
        if report.is_closed:
            raise Invalid.field("report", CLOSED)
        if not report.is_current:
            _unset_current(ledger_id)
            report.is_current = True
    return report


def move_transactions(ledger_id, txn_ids, report_id):
    """File the ledger's live transactions ``txn_ids`` in ``report_id`` (None: unfile them).
    Returns how many moved; an id of another ledger or a deleted row is NotFound."""
    ids = sorted({validation.identifier(value, "transactions") for value in txn_ids or ()})
    if not ids:
        raise Invalid.field("transactions", "Choose at least one transaction to move.")
    if len(ids) > MAX_MOVE:
        raise Invalid.field("transactions", f"Move at most {MAX_MOVE} transactions at a time.")
    with write_transaction() as session:
        target = None if report_id in (None, "") else fileable(ledger_id, report_id)
        found = session.scalar(
            owned(Transaction, ledger_id).where(Transaction.id.in_(ids)).with_only_columns(func.count()))
        if found != len(ids):
            raise NotFound("Transaction not found")
        session.execute(
            update(Transaction).where(Transaction.ledger_id == ledger_id, Transaction.id.in_(ids))
            .values(report_id=target, updated_at=utcnow()).execution_options(synchronize_session=False))
    db.session.expire_all()
    return len(ids)
