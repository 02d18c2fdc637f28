"""A SpendSense user's share of shared bills, booked in their personal ledger.

A user links themselves to one member of a project and may choose to record that
member's share of every expense as a transaction in one of their accounts (and a
category). The transaction id sits on the member's bill_owers row; every bill change
calls ``sync_bill`` inside the bill's own write transaction, which creates, updates or
deletes the transactions through services.transactions, so the personal ledger's
balances stay exact and move together with the bill or not at all.

Turning recording off (or unlinking) detaches the transactions already booked: they are
the user's records now and stay as they are.
"""

from sqlalchemy import select, update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import (
    NO_CURRENCY,
    Account,
    Bill,
    LedgerMember,
    Member,
    Transaction,
    bill_owers,
)
from spendsense.services import validation
from spendsense.services.bills import lookup
from spendsense.services.errors import Forbidden, Invalid, NotFound
from spendsense.services.ledger import accounts, categories, transactions
from spendsense.services.ledger.commands import ChangeTransaction, NewTransaction
from spendsense.services.uow import write_transaction


def personal_ledger(user_id):
    ledger_id = db.session.scalar(select(LedgerMember.ledger_id).where(
        LedgerMember.user_id == user_id, LedgerMember.is_personal.is_(True)))
    if ledger_id is None:
        raise NotFound("Ledger not found")
    return ledger_id


def compatible(account_currency, project_currency):
    """Shares are in the project's currency; without exchange rates the account must use
    it too ("no currency" projects book into any account with cents)."""
    if project_currency == NO_CURRENCY:
        return money.exponent(account_currency) == 2
    return account_currency == project_currency


def recorders(project_id):
    """{member id: (member, account currency)} of the members who record their shares now."""
    rows = db.session.execute(
        select(Member, Account.currency).join(Account, Account.id == Member.share_account_id)
        .where(Member.project_id == project_id, Member.record_share.is_(True), Member.user_id.is_not(None),
               Account.deleted_at.is_(None), Account.archived.is_(False)))
    return {member.id: (member, currency) for member, currency in rows}


def _share_fields(project, bill, share, currency):
    """The transaction fields a share books: owing a share is money out, a negative
    share (a refund) money in."""
    return {"amount": money.from_minor(-share, currency), "occurred_at": bill.date,
            "payee": project.name[:200], "description": bill.what[:500]}


def _book(project, bill, member, currency, share, txn_id, source):
    """Create or update the member's transaction for this bill; its id."""
    ledger_id = personal_ledger(member.user_id)
    fields = _share_fields(project, bill, share, currency)
    if txn_id is not None:
        try:
            transactions.change(ledger_id, txn_id, ChangeTransaction(**fields))
            return txn_id
        except NotFound:  # the user deleted it from their ledger: book it again
            pass
    txn = transactions.record(ledger_id, NewTransaction(
        account_id=member.share_account_id, category_id=member.share_category_id, source=source, **fields))
    return txn.id


def _unbook(txn_id):
    ledger_id = db.session.scalar(select(Transaction.ledger_id).where(Transaction.id == txn_id))
    if ledger_id is None:
        return
    try:
        transactions.delete(ledger_id, txn_id)
    except NotFound:  # already deleted by its owner
        pass


def sync_bill(project, bill, old_rows, new_shares, actor=None):
    """Bring the linked members' transactions in step with the bill. ``old_rows`` is
    {member id: (share, transaction id)} as stored before, ``new_shares`` {member id:
    share} after ({} when the bill is deleted); ``actor`` says through which door the
    change came, and so the source of what is booked. Returns {member id: transaction id}."""
    booked = {}
    if not old_rows and not new_shares:
        return booked
    active = recorders(project.id)
    for member_id in sorted(set(old_rows) | set(new_shares)):
        _old_share, txn_id = old_rows.get(member_id, (None, None))
        share = new_shares.get(member_id)
        wanted = member_id in active and bill.bill_type == "Expense" and bool(share)
        if wanted:
            member, currency = active[member_id]
            booked[member_id] = _book(project, bill, member, currency, share, txn_id,
                                      actor.source if actor else "web")
        elif txn_id is not None:
            _unbook(txn_id)
    return booked


def _linked_member(project_id, member_id, user_id):
    member = lookup.get_member(project_id, member_id, for_update=True)
    if member.user_id != user_id:
        raise Forbidden("You are not linked to this member.")
    return member


def link(project_id, member_id, user_id):
    """Say "this member is me"."""
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        member = lookup.get_member(project.id, member_id, for_update=True)
        if member.user_id == user_id:
            return member
        if member.user_id is not None:
            raise Invalid.field("member", "This member is already linked to another account.")
        mine = db.session.scalar(select(Member.name).where(Member.project_id == project.id, Member.user_id == user_id))
        if mine is not None:
            raise Invalid.field("member", f"You are already linked to {mine} in this project.")
        member.user_id = user_id
    return member


def unlink(project_id, member_id, user_id):
    with write_transaction():
        member = _linked_member(lookup.get_project(project_id, for_update=True).id, member_id, user_id)
        _detach(member)
        member.user_id = None
    return member


def _detach(member):
    member.record_share = False
    db.session.execute(update(bill_owers).where(bill_owers.c.member_id == member.id)
                       .values(transaction_id=None).execution_options(synchronize_session=False))


def configure(project_id, member_id, user_id, *, record, account_id=None, category_id=None):
    """Turn recording on (booking every past expense share now) or off, or move it to
    another account or category (moving the transactions already booked)."""
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        member = _linked_member(project.id, member_id, user_id)
        if not record:
            _detach(member)
            return member
        ledger_id = personal_ledger(user_id)
        account = accounts.get_account(ledger_id, _id(account_id, "account"))
        if not compatible(account.currency, project.default_currency):
            raise Invalid.field("account", f"Choose an account in {project.default_currency}: "
                                           "shares are not converted between currencies.")
        category = categories.get_visible(ledger_id, _id(category_id, "category")) if category_id else None
        if category is not None and category.kind != "spent":
            raise Invalid.field("category", "Choose an expense category.")
        moved = member.record_share and (member.share_account_id, member.share_category_id) != (
            account.id, category.id if category else None)
        member.share_account_id = account.id
        member.share_category_id = category.id if category else None
        member.record_share = True
        db.session.flush()
        rows = db.session.execute(
            select(Bill, bill_owers.c.share, bill_owers.c.transaction_id)
            .join(bill_owers, bill_owers.c.bill_id == Bill.id)
            .where(bill_owers.c.member_id == member.id, Bill.bill_type == "Expense")).all()
        for bill, share, txn_id in rows:
            if txn_id is not None and moved:
                transactions.change(ledger_id, txn_id, ChangeTransaction(
                    account_id=account.id, category_id=member.share_category_id,
                    **_share_fields(project, bill, share, account.currency)))
            elif txn_id is None and share:
                new_id = _book(project, bill, member, account.currency, share, None, "web")
                db.session.execute(update(bill_owers).where(bill_owers.c.bill_id == bill.id,
                                                            bill_owers.c.member_id == member.id)
                                   .values(transaction_id=new_id).execution_options(synchronize_session=False))
    return member


def _id(value, field):
    number = validation.row_id_or_none(value)
    if number is None:
        raise Invalid.field(field, f"Choose an {field}." if field == "account" else "Choose a category.")
    return number


def forget_project(project):
    """The project is being deleted: delete the transactions that booked its shares."""
    rows = db.session.scalars(select(bill_owers.c.transaction_id).join(Bill, Bill.id == bill_owers.c.bill_id)
                              .where(Bill.project_id == project.id, bill_owers.c.transaction_id.is_not(None)))
    for txn_id in rows.all():
        _unbook(txn_id)


def currency_changed(project):
    """Stop recording for members whose account no longer fits the project's currency."""
    for member, currency in recorders(project.id).values():
        if not compatible(currency, project.default_currency):
            _detach(member)
