"""Splitting a bill among its owers, and the members' cached totals.

A share is the bill's converted amount times the ower's weight over the owers' total
weight, rounded down to the minor unit; the minor units left over go one each to the
owers with the largest remainders (ties: lowest member id), so the shares add up to
the amount exactly and the same bill always splits the same way. Negative amounts
(refunds) split like positive ones, mirrored.

Every bill change calls ``apply`` with -1 for what the bill was and +1 for what it is:
single ``x = x + :delta`` statements, so concurrent writers cannot lose an update.
"""

from collections import defaultdict

from sqlalchemy import bindparam, func, insert, select, update

from spendsense.extensions import db
from spendsense.models import Bill, Member, bill_owers
from spendsense.services.errors import Invalid
from spendsense.services.ledger.balances import LIMIT

TOO_LARGE = "This bill would take a member's totals past the largest amount SpendSense can keep."


def split(amount, weights):
    """{member id: share} for ``weights`` {member id: weight in thousandths} (> 0)."""
    if not weights:
        return {}
    sign = -1 if amount < 0 else 1
    total_weight = sum(weights.values())
    quotients = {}
    remainders = []
    for member_id, weight in weights.items():
        quotient, remainder = divmod(abs(amount) * weight, total_weight)
        quotients[member_id] = quotient
        remainders.append((-remainder, member_id))
    left = abs(amount) - sum(quotients.values())
    for _remainder, member_id in sorted(remainders)[:left]:
        quotients[member_id] += 1
    return {member_id: sign * share for member_id, share in quotients.items()}


def _columns(bill_type):
    return ("paid", "owed") if bill_type == "Expense" else ("transferred", "received")


def _check_range(payer_column, share_column, payer_id, amount, shares):
    """Refuse a change that would take a member's total past balances.LIMIT, as for
    accounts: with members.MAX_MEMBERS, sums across a project's members stay inside
    BIGINT too (without a limit, 9,240 maximal bills made SQLite keep a REAL)."""
    deltas = defaultdict(lambda: defaultdict(int))
    deltas[payer_id][payer_column] += amount
    for member_id, value in shares.items():
        deltas[member_id][share_column] += value
    rows = db.session.execute(select(Member.id, getattr(Member, payer_column), getattr(Member, share_column))
                              .where(Member.id.in_(list(deltas))))
    for member_id, paid, share in rows:
        current = {payer_column: paid, share_column: share}
        if any(abs(int(current[column]) + delta) > LIMIT for column, delta in deltas[member_id].items()):
            raise Invalid.field("amount", TOO_LARGE)


def apply(bill_type, payer_id, amount, shares, sign):
    """Add (sign=+1) or take back (sign=-1) one bill's effect on its members' totals;
    Invalid (nothing written) when a total would leave the BIGINT range."""
    payer_column, share_column = _columns(bill_type)
    _check_range(payer_column, share_column, payer_id, sign * amount,
                 {member_id: sign * value for member_id, value in shares.items()})
    column = getattr(Member, payer_column)
    db.session.execute(update(Member).where(Member.id == payer_id)
                       .values({payer_column: column + sign * amount})
                       .execution_options(synchronize_session=False))
    if shares:
        # Core, not ORM: an executemany UPDATE keyed by a bound "member" parameter.
        table = Member.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("member"))
            .values({share_column: table.c[share_column] + bindparam("delta")}),
            [{"member": member_id, "delta": sign * value} for member_id, value in sorted(shares.items())])


def store_owers(bill_id, shares, transactions=None):
    """Write the bill's bill_owers rows (the old ones must be gone)."""
    transactions = transactions or {}
    if shares:
        db.session.execute(insert(bill_owers), [
            {"bill_id": bill_id, "member_id": member_id, "share": share,
             "transaction_id": transactions.get(member_id)}
            for member_id, share in sorted(shares.items())])


def shares_of(bill_id):
    """{member id: (share, transaction id)} as stored."""
    rows = db.session.execute(select(bill_owers.c.member_id, bill_owers.c.share, bill_owers.c.transaction_id)
                              .where(bill_owers.c.bill_id == bill_id))
    return {member_id: (share, txn) for member_id, share, txn in rows}


def aggregate_totals(project_id):
    """{member id: {paid, owed, transferred, received}} summed from the bills (GROUP BY):
    what the cached columns must equal."""
    totals = defaultdict(lambda: dict.fromkeys(("paid", "owed", "transferred", "received"), 0))
    paid = db.session.execute(
        select(Bill.payer_id, Bill.bill_type, func.sum(Bill.converted_amount))
        .where(Bill.project_id == project_id).group_by(Bill.payer_id, Bill.bill_type))
    for member_id, bill_type, value in paid:
        totals[member_id][_columns(bill_type)[0]] += int(value)
    owed = db.session.execute(
        select(bill_owers.c.member_id, Bill.bill_type, func.sum(bill_owers.c.share))
        .join(Bill, Bill.id == bill_owers.c.bill_id)
        .where(Bill.project_id == project_id).group_by(bill_owers.c.member_id, Bill.bill_type))
    for member_id, bill_type, value in owed:
        totals[member_id][_columns(bill_type)[1]] += int(value)
    return totals


def recompute_totals(project_id):
    """Set every member's cached totals from the bills (after bulk changes)."""
    totals = aggregate_totals(project_id)
    members = db.session.scalars(select(Member.id).where(Member.project_id == project_id)).all()
    zero = dict.fromkeys(("paid", "owed", "transferred", "received"), 0)
    if members:
        table = Member.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("member"))
            .values(paid=bindparam("new_paid"), owed=bindparam("new_owed"),
                    transferred=bindparam("new_transferred"), received=bindparam("new_received")),
            [{"member": member_id, **{f"new_{key}": value for key, value in totals.get(member_id, zero).items()}}
             for member_id in members])


def inconsistencies(project_id):
    """Members whose cached totals differ from the bills: [] when all is well."""
    totals = aggregate_totals(project_id)
    zero = dict.fromkeys(("paid", "owed", "transferred", "received"), 0)
    wrong = []
    for member in db.session.scalars(select(Member).where(Member.project_id == project_id)
                                     .execution_options(populate_existing=True)):
        cached = {key: getattr(member, key) for key in zero}
        if cached != totals.get(member.id, zero):
            wrong.append((member.id, cached, totals.get(member.id, zero)))
    return wrong
