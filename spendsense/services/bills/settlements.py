"""Registering the settle-up plan: each transfer becomes a settlement bill.

The plan is read under the project's lock, in the same write transaction as the
bills it turns into, so what is registered is the plan as it stands then (not as a
page showed it a minute ago), and registering the whole plan writes every transfer
or, when one of them fails, none.
"""

from spendsense.services.bills import bills, lookup, stats
from spendsense.services.uow import write_transaction


def register_transfer(project_id, ower_id, receiver_id, amount, *, actor=None):
    """Register one transfer of the current plan (``amount`` in minor units); None,
    writing nothing, when the plan has no such transfer: the balances changed since
    it was shown, or the transfer was made up."""
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        for transfer in stats.settle_plan(project.id):
            if (transfer.ower.id, transfer.receiver.id, transfer.amount) == (ower_id, receiver_id, amount):
                _register(project, transfer, actor)
                return transfer
    return None


def register_plan(project_id, *, actor=None):
    """Register every transfer of the current plan in one write transaction, and return
    them; when one fails (Invalid), nothing is written."""
    with write_transaction():
        project = lookup.get_project(project_id, for_update=True)
        plan = stats.settle_plan(project.id)
        for transfer in plan:
            _register(project, transfer, actor)
    return plan


def _register(project, transfer, actor):
    bills.register_settlement(project.id, transfer.ower.id, transfer.receiver.id, transfer.amount, actor=actor)
