"""Importing a parsed bank statement into an account: plan, import, revert.

``plan`` decides for every row of the file whether it is new or already in the
account, in this order:

1. the bank's id (OFX FITID, CAMT reference, a CSV id column) is already on a row of
   the account (tombstones included): a duplicate. The same id twice in one file: the
   second is a duplicate of the first. A bank id is never fuzzy-matched to a row that
   carries a different one.
2. otherwise an existing row of the account with the same amount is the same money:
   a row entered by hand within +/-7 days ("matched"), a row an earlier import wrote
   when it has the same payee within a day (a duplicate); nearest date first, then the
   same payee, each existing row matched at most once.
3. rows alike within one file stay apart: two coffees on one day are two coffees.

Only the window of dates the file covers is read from the account (an index on
(account_id, occurred_at)), so the cost does not grow with the account's history.
``import_statement`` writes the new rows as one batch through the transaction command
(``record_many``), every row or none; ``revert`` removes exactly the rows a batch made.
"""

from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta

from sqlalchemy import func, select, update

from spendsense import money
from spendsense.extensions import db
from spendsense.models import Account, Category, ImportBatch, Transaction
from spendsense.models.base import utcnow
from spendsense.services import validation
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.io import parsers, payees
from spendsense.services.ledger import balances, categories, transactions
from spendsense.services.ledger.accounts import find_by_name, get_account
from spendsense.services.ledger.categories import slugify, visible
from spendsense.services.ledger.commands import NewTransaction
from spendsense.services.scope import get_owned, owned
from spendsense.services.uow import write_transaction

NEW, DUPLICATE, MATCHED, SKIPPED = "new", "duplicate", "matched", "skipped"
WINDOW_DAYS = 7
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PlannedRow:
    index: int
    row: object  # parsers.ParsedRow
    minor: int  # the amount in minor units of the account's currency
    status: str  # NEW, DUPLICATE or MATCHED
    match_id: int | None = None  # the existing transaction it is the same money as
    reason: str = ""

    @property
    def imported(self):
        return self.status == NEW


@dataclass(frozen=True, slots=True)
class ImportPlan:
    account_id: int
    currency: str
    format: str
    rows: tuple
    statement_balance: int | None = None  # minor units
    statement_balance_date: object = None

    def count(self, status):
        return sum(1 for planned in self.rows if planned.status == status)

    @property
    def counts(self):
        return {NEW: self.count(NEW), DUPLICATE: self.count(DUPLICATE), MATCHED: self.count(MATCHED)}


def _currency_of(statement, account):
    currency = (statement.currency or (statement.account.currency if statement.account else None) or "").upper()
    if currency and currency != account.currency:
        raise Invalid.field("account", f"The file is in {currency}; {account.name} uses {account.currency}. "
                                       "Choose an account in the file's currency.")
    return account.currency


def _minor(row, currency):
    if row.currency and row.currency.upper() != currency:
        raise Invalid.field("file", f"{_where(row)}the row is in {row.currency}; the account uses {currency}.")
    try:
        minor = money.to_minor(row.amount, currency)
    except money.MoneyError as exc:
        raise Invalid.field("file", f"{_where(row)}{exc}") from exc
    if abs(minor) > money.MAX_MINOR:
        raise Invalid.field("file", f"{_where(row)}the amount is too large.")
    return minor


def _where(row):
    return f"Line {row.line}: " if row.line else ""


def _split_rows(statement):
    """The file's rows, a split row becoming one row per split (QIF)."""
    rows = []
    for row in statement.rows:
        if not row.splits:
            rows.append(row)
            continue
        for number, split in enumerate(row.splits, start=1):
            note = row.description or row.memo
            if split.transfer_account:
                note = f"{note} (transfer: {split.transfer_account})" if note else f"Transfer: {split.transfer_account}"
            rows.append(replace(row, amount=split.amount, category=split.category, memo=split.memo, description=note,
                                splits=(), external_id=f"{row.external_id}#{number}" if row.external_id else None))
    return rows


def _known_ids(account_id, external_ids):
    """{external id: transaction id} of the ids the account already has (tombstones too)."""
    found = {}
    ids = sorted(external_ids)
    for start in range(0, len(ids), _CHUNK):
        found.update(db.session.execute(select(Transaction.external_id, Transaction.id).where(
            Transaction.account_id == account_id, Transaction.external_id.in_(ids[start:start + _CHUNK]))).all())
    return found


def _window(account_id, rows, taken):
    """The account's live rows in the dates the file covers, +/- the window: the only
    part of its history de-duplication reads."""
    days = [row.date for row in rows]
    start = datetime.combine(min(days) - timedelta(days=WINDOW_DAYS), time.min)
    end = datetime.combine(max(days) + timedelta(days=WINDOW_DAYS + 1), time.min)
    return [candidate for candidate in db.session.execute(
        select(Transaction.id, Transaction.amount, Transaction.occurred_at, Transaction.payee,
               Transaction.original_payee, Transaction.external_id, Transaction.source)
        .where(Transaction.account_id == account_id, Transaction.deleted_at.is_(None),
               Transaction.occurred_at >= start, Transaction.occurred_at < end)) if candidate.id not in taken]


def _fold(text):
    return " ".join((text or "").split()).casefold()


def parse_file(data, file_name=None, *, max_bytes, max_rows, date_order=None, csv_dialect=None):
    """A file's bytes as a ParsedStatement, or the parsers' ParseError (AmbiguousDateOrder
    among them, for a caller that can ask the user)."""
    options = parsers.ParseOptions(max_bytes=max_bytes, max_rows=max_rows, date_order=date_order, csv=csv_dialect)
    return parsers.parse(data, file_name, options=options)


def read_file(data, file_name=None, **limits):
    """``parse_file`` for callers without a screen to ask on: Invalid naming the line or
    element when the file cannot be read (nothing of it is imported then)."""
    try:
        return parse_file(data, file_name, **limits)
    except parsers.ParseError as exc:
        raise Invalid.field("file", str(exc)) from exc


def account_by_reference(ledger_id, reference):
    """The ledger's account named ``reference`` (as v1 names accounts), or with that id."""
    name = validation.text(reference, "account", max_length=100, required=True, label="Account")
    found = find_by_name(ledger_id, name)
    if found is None and validation.row_id_or_none(name) is not None:
        found = get_account(ledger_id, validation.row_id_or_none(name))
    if found is None:
        raise NotFound("Account not found!", entity="account")
    return found


def plan(ledger_id, account_id, statement):
    """The ImportPlan of a ParsedStatement for one of the ledger's accounts; writes nothing."""
    account = get_account(ledger_id, account_id)
    currency = _currency_of(statement, account)
    rows = _split_rows(statement)
    minors = [_minor(row, currency) for row in rows]
    decided = {}
    known = _known_ids(account.id, {row.external_id for row in rows if row.external_id})
    first_in_file = {}
    for index, row in enumerate(rows):
        if not row.external_id:
            continue
        if row.external_id in known:
            decided[index] = (DUPLICATE, known[row.external_id], "the bank's id is already in the account")
        elif row.external_id in first_in_file:
            decided[index] = (DUPLICATE, None, f"the bank's id is on row {first_in_file[row.external_id] + 1} too")
        else:
            first_in_file[row.external_id] = index
    open_rows = [index for index in range(len(rows)) if index not in decided]
    if open_rows:
        _match_by_amount_and_date(account.id, rows, minors, open_rows, set(known.values()), decided)
    balance = statement.balance
    if balance is not None and balance.currency and balance.currency.upper() != currency:
        balance = None  # a balance in another currency cannot be compared with the account's
    planned = tuple(PlannedRow(index, row, minors[index], *decided.get(index, (NEW, None, "")))
                    for index, row in enumerate(rows))
    return ImportPlan(
        account_id=account.id, currency=currency, format=statement.format, rows=planned,
        statement_balance=money.to_minor(balance.amount, currency) if balance is not None else None,
        statement_balance_date=balance.date if balance is not None else None)


def _match_by_amount_and_date(account_id, rows, minors, open_rows, taken, decided):
    """Pair file rows with existing rows of the same amount: the nearest dates first,
    then the same payee; each side used once.

    A row entered by hand may be days off the bank's date (+/- WINDOW_DAYS). A row an
    earlier import wrote came from a bank too, which prints one transaction with the same
    date and payee in every statement it appears in: only such a row (a day apart at most,
    for the bank's booking and value dates) is the same money. Two payments of one amount
    to different payees in one week stay two."""
    by_amount = {}
    for candidate in _window(account_id, [rows[index] for index in open_rows], taken):
        by_amount.setdefault(candidate.amount, []).append(candidate)
    pairs = []
    for index in open_rows:
        row = rows[index]
        for candidate in by_amount.get(minors[index], ()):
            if row.external_id and candidate.external_id and candidate.external_id != row.external_id:
                continue  # two different bank ids are two different transactions
            distance = abs((candidate.occurred_at.date() - row.date).days)
            other_payee = _fold(candidate.original_payee or candidate.payee) != _fold(row.payee)
            if candidate.source == "import" and (distance > 1 or (other_payee and row.payee and candidate.payee)):
                continue
            if distance <= WINDOW_DAYS:
                pairs.append((distance, other_payee, index, candidate.id, candidate))
    used = set()
    for distance, _other_payee, index, candidate_id, candidate in sorted(pairs, key=lambda p: p[:4]):
        if index in decided or candidate_id in used:
            continue
        used.add(candidate_id)
        status = DUPLICATE if candidate.source == "import" else MATCHED
        what = "an imported row" if status == DUPLICATE else "a row entered by hand"
        decided[index] = (status, candidate_id, f"the same amount as {what}, {distance} day(s) apart")


def with_decisions(import_plan, decisions):
    """The plan with the user's flips: {row index: NEW or "skip"}."""
    if not decisions:
        return import_plan
    rows = []
    for planned in import_plan.rows:
        choice = decisions.get(planned.index)
        if choice == NEW and planned.status != NEW:
            planned = replace(planned, status=NEW, reason="imported as you chose")
        elif choice == "skip" and planned.status == NEW:
            planned = replace(planned, status=SKIPPED, reason="left out as you chose")
        rows.append(planned)
    return replace(import_plan, rows=tuple(rows))


class _Categories:
    """The categories a file names ("Food:Groceries"), found among the ledger's own and
    the system ones by name or value, of the amount's kind. A name the ledger lacks is
    made, under its parent (made too), with a plain icon: people moving from another
    program bring their categories along. Rules decide for rows that name none."""

    ICON = "🏷️"

    def __init__(self, ledger_id):
        self.ledger_id = ledger_id
        self.found = {}
        for category in db.session.scalars(visible(ledger_id).order_by(Category.ledger_id.is_(None), Category.id)):
            self.found.setdefault((category.kind, category.name.casefold()), category.id)
            self.found.setdefault((category.kind, category.value), category.id)

    def id_for(self, path, minor):
        if not path:
            return None
        parts = [part.strip()[:100] for part in (path or "").split(":") if part.strip()]
        if not parts or parts[0].startswith("["):  # "[Savings]" is a QIF transfer, not a category
            return None
        kind = "spent" if minor < 0 else "earn"
        known = self._known(kind, parts[-1])
        if known is not None:
            return known
        parent = self._known(kind, parts[-2]) if len(parts) > 1 else None
        if len(parts) > 1 and parent is None:
            parent = self._make(kind, parts[-2], None)
        return self._make(kind, parts[-1], parent)

    def _known(self, kind, name):
        return self.found.get((kind, name.casefold())) or self.found.get((kind, slugify(name)))

    def _make(self, kind, name, parent_id):
        try:
            category = categories.create_category(self.ledger_id, name, self.ICON, kind, parent_id=parent_id)
        except Invalid:
            return None  # a name that makes no category ("--"): the row stays for the rules
        db.session.flush()
        self.found[(kind, name.casefold())] = self.found[(kind, category.value)] = category.id
        return category.id


def _command(planned, account_id, batch_id, names):
    row = planned.row
    cleaned = payees.clean(row.payee)
    occurred = datetime.combine(row.date, row.time or time(12, 0))
    description = row.description or (row.memo if not row.payee else None)
    return NewTransaction(
        amount=row.amount,
        account_id=account_id, occurred_at=occurred, payee=cleaned,
        original_payee=row.payee if row.payee and row.payee != cleaned else None,
        description=description[:500] if description else None,
        memo=row.memo[:500] if row.memo and row.memo != description else None,
        cheque_number=(row.cheque_number or None) and row.cheque_number[:30],
        category_id=names.id_for(row.category, planned.minor), labels=tuple(row.labels),
        status=row.status if row.status in ("posted", "pending") else "posted",
        source="import", external_id=row.external_id, import_batch_id=batch_id)



def import_statement(ledger_id, account_id, statement, *, name=None, file_name=None, decisions=None):
    """Import a ParsedStatement into the account as one batch; the ImportBatch.

    De-duplication runs inside the same write transaction as the rows, so two imports of
    one file at the same moment cannot both find its rows new."""
    with write_transaction() as session:
        balances.lock_accounts(ledger_id, [account_id])
        import_plan = with_decisions(plan(ledger_id, account_id, statement), decisions)
        counts = import_plan.counts
        label = validation.text(name, "name", max_length=200, label="Name") or _default_name(statement, file_name)
        batch = ImportBatch(
            ledger_id=ledger_id, account_id=import_plan.account_id, name=label,
            file_name=validation.text(file_name, "file_name", max_length=255, label="File name"),
            format=statement.format[:30], new_count=counts[NEW], duplicate_count=counts[DUPLICATE],
            matched_count=counts[MATCHED], statement_balance=import_plan.statement_balance,
            statement_balance_date=import_plan.statement_balance_date)
        session.add(batch)
        session.flush()
        names = _Categories(ledger_id)
        commands = [_command(planned, import_plan.account_id, batch.id, names)
                    for planned in import_plan.rows if planned.imported]
        transactions.record_many(ledger_id, commands)
        batch.balance_after = session.scalar(select(Account.balance).where(Account.id == import_plan.account_id))
    return batch


def _default_name(statement, file_name):
    if file_name:
        return file_name[:200]
    days = [row.date for row in statement.rows]
    if days:
        return f"{statement.format.upper()} {min(days)} – {max(days)}"
    return statement.format.upper()


def list_batches(ledger_id, *, limit=100):
    return db.session.scalars(owned(ImportBatch, ledger_id).order_by(ImportBatch.created_at.desc(),
                                                                     ImportBatch.id.desc()).limit(limit)).all()


def get_batch(ledger_id, batch_id):
    return get_owned(ImportBatch, ledger_id, batch_id, message="Import not found")


def live_rows(batch_id):
    return db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.import_batch_id == batch_id, Transaction.deleted_at.is_(None)))


def changed_rows(batch):
    """How many of the batch's live rows were edited after the import (revert takes
    them too, so the confirmation says so)."""
    return db.session.scalar(select(func.count()).select_from(Transaction).where(
        Transaction.import_batch_id == batch.id, Transaction.deleted_at.is_(None),
        Transaction.updated_at > batch.created_at + timedelta(seconds=1)))


def revert(ledger_id, batch_id):
    """Remove every live row the batch created (tombstones, for delta sync), with the
    balances and month totals moving back in one statement each; the batch stays,
    marked reverted."""
    with write_transaction() as session:
        batch = get_batch(ledger_id, batch_id)
        balances.lock_accounts(ledger_id, [batch.account_id])
        batch = session.scalars(owned(ImportBatch, ledger_id).where(ImportBatch.id == batch.id)
                                .execution_options(populate_existing=True)).one()
        if batch.reverted_at is not None:
            raise Invalid.field("import", "This import was reverted already.")
        rows = session.execute(select(Transaction.account_id, Transaction.occurred_at, Transaction.amount,
                                      Transaction.transfer_id, Transaction.category_id)
                               .where(Transaction.import_batch_id == batch.id, Transaction.deleted_at.is_(None))).all()
        balances.apply_summed(ledger_id, [(r.account_id, r.occurred_at, r.amount, r.transfer_id is not None,
                                           r.category_id) for r in rows], sign=-1)
        now = utcnow()
        session.execute(update(Transaction).where(Transaction.import_batch_id == batch.id,
                                                  Transaction.deleted_at.is_(None))
                        # A reverted import is undone: its bank ids are forgotten, so the
                        # same file imports again (a row deleted on its own keeps its id).
                        .values(deleted_at=now, updated_at=now, external_id=None)
                        .execution_options(synchronize_session=False))
        batch.reverted_at = now
    return batch


def difference(batch):
    """Statement balance minus the account's balance after the import (minor units), or
    None when the file gives no balance."""
    if batch.statement_balance is None or batch.balance_after is None:
        return None
    return batch.statement_balance - batch.balance_after

