"""Balances, statistics and the settle-up plan of a project.

Per-member figures come from the members' cached totals (kept by splits.apply in
the bills' own transactions), so they cost the same for ten bills or a million; the
month series is one GROUP BY over the project's bills. All figures are integer minor
units of the project's currency.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select

from spendsense.extensions import db
from spendsense.models import Bill, Member
from spendsense.services.bills import lookup, settle


@dataclass(frozen=True)
class MemberStats:
    member: Member
    paid: int  # expenses paid, >= 0 for ordinary bills
    spent: int  # their shares of expenses (shown as <= 0)
    transferred: int  # reimbursements paid
    received: int  # their shares of reimbursements (shown as <= 0)

    @property
    def balance(self):
        return self.paid - self.spent + self.transferred - self.received


@dataclass(frozen=True)
class PlannedTransfer:
    ower: Member
    receiver: Member
    amount: int


def balances(project_id):
    """{member id: balance}; > 0 means the others owe this member."""
    rows = db.session.execute(select(Member.id, Member.paid - Member.owed + Member.transferred - Member.received)
                              .where(Member.project_id == project_id))
    return {member_id: int(balance) for member_id, balance in rows}


def statistics(project_id):
    """One line per active member, and per deactivated member who still has a balance."""
    members = lookup.list_members(project_id)
    lines = [MemberStats(m, m.paid, m.owed, m.transferred, m.received) for m in members]
    return [line for line in lines if line.member.activated or line.balance != 0]


def monthly(project_id):
    """[(first day of the month, total of expenses)], newest month first."""
    year = extract("year", Bill.date)
    month = extract("month", Bill.date)
    rows = db.session.execute(
        select(year, month, func.sum(Bill.converted_amount))
        .where(Bill.project_id == project_id, Bill.bill_type == "Expense")
        .group_by(year, month).order_by(year.desc(), month.desc()))
    return [(date(int(y), int(m), 1), int(total)) for y, m, total in rows]


def monthly_by_member(project_id):
    """{first day of month: {member id: expenses paid}} for the month table."""
    year = extract("year", Bill.date)
    month = extract("month", Bill.date)
    rows = db.session.execute(
        select(year, month, Bill.payer_id, func.sum(Bill.converted_amount))
        .where(Bill.project_id == project_id, Bill.bill_type == "Expense")
        .group_by(year, month, Bill.payer_id))
    result = {}
    for y, m, payer_id, total in rows:
        result.setdefault(date(int(y), int(m), 1), {})[payer_id] = int(total)
    return result


def settle_plan(project_id):
    """The fewest transfers that bring every balance to zero, biggest first."""
    members = {member.id: member for member in lookup.list_members(project_id)}
    plan = settle.settle(balances(project_id))
    transfers = [PlannedTransfer(members[t.ower], members[t.receiver], t.amount) for t in plan]
    return sorted(transfers, key=lambda t: (-t.amount, t.ower.name.lower(), t.receiver.name.lower()))
