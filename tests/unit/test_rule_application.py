"""Category rules: their order (the first that matches wins), their match modes, the
rules service, and filing existing transactions by them in SQL."""

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import select, text

from spendsense.extensions import db
from spendsense.models import Account, CategoryRule, MonthlyTotal
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.ledger import accounts, categories, rule_application, rules
from spendsense.services.ledger.rules import Rule
from spendsense.services.scope import ledger_for
from tests import factories
from tests.statements import recorded
from tests.unit.helpers import row

MIGRATION = Path(__file__).resolve().parents[2] / "migrations" / "versions" / "0008_rule_order.py"


def system(ledger, value, kind="spent"):
    return categories.find_by_value(ledger, value, kind)


@pytest.fixture
def supermarket(ledger):
    return system(ledger, "supermarket")


@pytest.fixture
def restaurants(ledger):
    return system(ledger, "restaurants")


@pytest.fixture
def salary(ledger):
    return system(ledger, "salary", "earn")


def spend(ledger, account, payee, amount="-5", **fields):
    """A row written without the rules (they are what is under test)."""
    return factories.create_transaction(ledger, account_id=account, amount=amount, payee=payee, apply_rules=False,
                                        **fields).id


def category_of(txn_id):
    return row(txn_id).category_id


def money_snapshot():
    db.session.rollback()
    return (db.session.execute(select(Account.id, Account.balance, Account.total_spent, Account.total_earned,
                                      Account.total_transferred, Account.total_count).order_by(Account.id)).all(),
            db.session.execute(select(MonthlyTotal.account_id, MonthlyTotal.month, MonthlyTotal.spent,
                                      MonthlyTotal.earned, MonthlyTotal.transferred, MonthlyTotal.count)
                               .order_by(MonthlyTotal.id)).all())


# The matcher

SPENT = "spent"


@pytest.mark.parametrize("rules_in_order, payee, expected", [
    ([Rule("coffee", 1, SPENT), Rule("coffee beans", 2, SPENT)], "Coffee beans", 1),  # the first wins
    ([Rule("coffee beans", 2, SPENT), Rule("coffee", 1, SPENT)], "Coffee beans", 2),
    ([Rule("bean", 1, SPENT, "exact"), Rule("bean", 2, SPENT)], "Green beans", 2),
    ([Rule("bean", 1, SPENT, "exact")], "  BEAN ", 1),
    ([Rule("green", 1, SPENT, "starts_with")], "Green beans", 1),
    ([Rule("beans", 1, SPENT, "starts_with")], "Green beans", None),
    ([Rule("CAFÉ", 1, SPENT)], "Le café du coin", 1),
    ([Rule("   ", 1, SPENT), Rule("tea", 2, SPENT)], "Tea room", 2),
    ([Rule("tea", 1, SPENT)], "", None),
])
def test_the_first_matching_rule_wins(rules_in_order, payee, expected):
    assert rules.best_match(rules_in_order, payee) == expected


def test_a_rule_of_the_other_kind_is_passed_over():
    ordered = [Rule("refund", 1, "spent"), Rule("refund", 2, "earn")]
    assert rules.best_match(ordered, "Shop refund", kind="earn") == 2
    assert rules.best_match(ordered, "Shop refund", kind="spent") == 1


def test_the_ledger_rules_come_in_their_order(ledger, supermarket, restaurants):
    first = rules.create_rule(ledger, supermarket.id, "Countdown")
    second = rules.create_rule(ledger, restaurants.id, "Count")
    assert [r.pattern for r in rules.for_ledger(ledger)] == ["Countdown", "Count"]
    assert rules.best_match(rules.for_ledger(ledger), "COUNTDOWN Ponsonby") == supermarket.id
    rules.move_rule(ledger, second.id, -1)
    assert [r.id for r in rules.list_rules(ledger)] == [second.id, first.id]
    assert rules.best_match(rules.for_ledger(ledger), "COUNTDOWN Ponsonby") == restaurants.id


def test_a_new_transaction_takes_the_first_rule(ledger, account, supermarket, restaurants):
    rules.create_rule(ledger, restaurants.id, "cafe")
    rules.create_rule(ledger, supermarket.id, "cafe market")
    txn = factories.create_transaction(ledger, account_id=account, amount="-4", payee="Cafe Market Hall")
    assert category_of(txn.id) == restaurants.id


# The rules service

def test_create_validates(ledger, supermarket, other_user):
    for pattern, match in (("", "contains"), ("  ", "contains"), ("x" * 201, "contains"), ("a\x00b", "contains"),
                           ("Shop", "regex")):
        with pytest.raises(Invalid):
            rules.create_rule(ledger, supermarket.id, pattern, match=match)
    rules.create_rule(ledger, supermarket.id, "Shop")
    with pytest.raises(Invalid, match="already a rule"):
        rules.create_rule(ledger, supermarket.id, " SHOP ")
    rules.create_rule(ledger, supermarket.id, "Shop", match="exact")  # another match is another rule
    bobs = categories.create_category(ledger_for(other_user), "Bob's", "🎸", "spent")
    with pytest.raises(NotFound):
        rules.create_rule(ledger, bobs.id, "Guitar")
    assert [(r.payee_pattern, r.match_mode, r.position) for r in rules.list_rules(ledger)] == [
        ("Shop", "contains", 0), ("Shop", "exact", 1)]


def test_update_and_delete(ledger, supermarket, restaurants, other_user):
    rule = rules.create_rule(ledger, supermarket.id, "Shop")
    other = rules.create_rule(ledger, supermarket.id, "Market")
    rules.update_rule(ledger, rule.id, pattern="Shops", match="starts_with", category_id=restaurants.id)
    db.session.expire_all()
    changed = rules.get_rule(ledger, rule.id)
    assert (changed.payee_pattern, changed.match_mode, changed.category_id) == ("Shops", "starts_with",
                                                                                 restaurants.id)
    with pytest.raises(Invalid):
        rules.update_rule(ledger, other.id, pattern="shops", match="starts_with")
    bob_ledger = ledger_for(other_user)
    with pytest.raises(NotFound):
        rules.get_rule(bob_ledger, rule.id)
    with pytest.raises(NotFound):
        rules.delete_rule(bob_ledger, rule.id)
    rules.delete_rule(ledger, rule.id)
    assert [r.id for r in rules.list_rules(ledger)] == [other.id]


def test_move_up_and_down(ledger, supermarket):
    a, b, c = (rules.create_rule(ledger, supermarket.id, name).id for name in ("A", "B", "C"))

    def order():
        db.session.expire_all()
        return [r.payee_pattern for r in rules.list_rules(ledger)]

    rules.move_rule(ledger, c, -1)
    assert order() == ["A", "C", "B"]
    rules.move_rule(ledger, a, -1)  # already first
    assert order() == ["A", "C", "B"]
    rules.move_rule(ledger, a, 1)
    assert order() == ["C", "A", "B"]
    rules.move_rule(ledger, b, 1)  # already last
    assert order() == ["C", "A", "B"]
    with pytest.raises(Invalid):
        rules.move_rule(ledger, a, 2)


def test_moving_settles_ties(ledger, supermarket):
    a, b = (rules.create_rule(ledger, supermarket.id, name).id for name in ("A", "B"))
    db.session.execute(text("UPDATE category_rules SET position = 5"))
    db.session.commit()
    rules.move_rule(ledger, b, -1)
    db.session.expire_all()
    assert [(r.id, r.position) for r in rules.list_rules(ledger)] == [(b, 0), (a, 1)]


def test_a_learned_word_goes_first(ledger, supermarket, restaurants):
    rules.create_rule(ledger, supermarket.id, "coffee")
    rules.learn(ledger, "Coffee beans", restaurants.id)
    assert [(r.pattern, r.category_id) for r in rules.for_ledger(ledger)] == [
        ("coffee beans", restaurants.id), ("coffee", supermarket.id)]
    rules.learn(ledger, "COFFEE", restaurants.id)  # an old word changes its meaning in place
    assert [(r.pattern, r.category_id) for r in rules.for_ledger(ledger)] == [
        ("coffee beans", restaurants.id), ("coffee", restaurants.id)]


def test_the_migration_numbers_rules_so_the_old_winner_still_wins(ledger, supermarket, restaurants):
    """Before 0008 a payee took the rule equal to it, else the longest contained one,
    else the oldest; the migration's numbering makes that rule the first that matches."""
    spec = importlib.util.spec_from_file_location("rule_order", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for pattern, category in (("tea", supermarket), ("green tea", restaurants), ("tea", restaurants),
                              ("green", supermarket)):
        db.session.add(CategoryRule(ledger_id=ledger, category_id=category.id, payee_pattern=pattern))
    db.session.commit()
    db.session.execute(text(migration.NUMBER))
    db.session.commit()
    ordered = rules.for_ledger(ledger)
    assert [(r.pattern, r.category_id) for r in ordered] == [
        ("green tea", restaurants.id), ("green", supermarket.id), ("tea", supermarket.id), ("tea", restaurants.id)]
    assert rules.best_match(ordered, "Green tea") == restaurants.id  # equal
    assert rules.best_match(ordered, "Big green tea shop") == restaurants.id  # longest inside
    assert rules.best_match(ordered, "Tea") == supermarket.id  # equal, oldest


# Filing existing transactions

def test_apply_to_uncategorised_files_only_those(ledger, account, supermarket, restaurants):
    loose = [spend(ledger, account, payee) for payee in ("COUNTDOWN 123", "Countdown Ponsonby", "countdown")]
    filed = spend(ledger, account, "Countdown", category_id=restaurants.id)
    other = spend(ledger, account, "Pak'nSave")
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    before = money_snapshot()
    assert rule_application.apply_rule(ledger, rule.id) == rule_application.Applied(changed=3, skipped=0)
    assert [category_of(txn) for txn in loose] == [supermarket.id] * 3
    assert category_of(filed) == restaurants.id and category_of(other) is None
    assert money_snapshot() == before  # a category moves no money


def test_apply_to_all_refiles_categorised_rows_too(ledger, account, supermarket, restaurants):
    loose = spend(ledger, account, "Countdown")
    filed = spend(ledger, account, "Countdown", category_id=restaurants.id)
    already = spend(ledger, account, "Countdown", category_id=supermarket.id)
    untouched_at = row(already).updated_at
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    before = money_snapshot()
    applied = rule_application.apply_rule(ledger, rule.id, scope="all")
    assert applied == rule_application.Applied(changed=2, skipped=0)  # the third was filed there already
    assert category_of(loose) == category_of(filed) == category_of(already) == supermarket.id
    assert row(already).updated_at == untouched_at
    assert row(filed).updated_at > untouched_at
    assert money_snapshot() == before


def test_rows_of_the_other_sign_are_skipped_and_counted(ledger, account, supermarket, salary):
    out = spend(ledger, account, "ACME Ltd")
    refund = spend(ledger, account, "ACME Ltd refund", amount="7")
    rule = rules.create_rule(ledger, supermarket.id, "acme")
    assert rule_application.apply_rule(ledger, rule.id) == rule_application.Applied(changed=1, skipped=1)
    assert (category_of(out), category_of(refund)) == (supermarket.id, None)
    pay = rules.create_rule(ledger, salary.id, "acme")
    assert rule_application.apply_rule(ledger, pay.id) == rule_application.Applied(changed=1, skipped=0)
    assert category_of(refund) == salary.id


def test_all_rules_in_order_first_fitting_one_wins(ledger, account, supermarket, restaurants, salary):
    both = spend(ledger, account, "Cafe market")
    cafe = spend(ledger, account, "Cafe Rio")
    income = spend(ledger, account, "Cafe market payout", amount="50")
    nothing = spend(ledger, account, "Library")
    rules.create_rule(ledger, restaurants.id, "cafe")
    rules.create_rule(ledger, supermarket.id, "market")
    rules.create_rule(ledger, salary.id, "payout")
    applied = rule_application.apply_rules(ledger)
    assert applied == rule_application.Applied(changed=3, skipped=0)
    assert [category_of(txn) for txn in (both, cafe, income, nothing)] == [restaurants.id, restaurants.id,
                                                                           salary.id, None]


def test_all_rules_count_a_row_that_fits_none(ledger, account, supermarket):
    refund = spend(ledger, account, "Market refund", amount="3")
    rules.create_rule(ledger, supermarket.id, "market")
    assert rule_application.apply_rules(ledger, scope="all") == rule_application.Applied(changed=0, skipped=1)
    assert category_of(refund) is None


def test_other_ledgers_deleted_rows_and_transfers_are_left_alone(ledger, account, savings, supermarket,
                                                                 other_user):
    bob_ledger = ledger_for(other_user)
    bobs_account = accounts.create_account(bob_ledger, "Bob's", currency="EUR").id
    bobs = spend(bob_ledger, bobs_account, "Countdown")
    gone = spend(ledger, account, "Countdown")
    factories.delete_transaction(ledger, gone)
    out_leg, in_leg = factories.create_transfer(ledger, from_account_id=account, to_account_id=savings,
                                                amount="10")
    db.session.execute(text("UPDATE transactions SET payee = 'Countdown' WHERE transfer_id IS NOT NULL"))
    db.session.commit()
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    assert rule_application.apply_rule(ledger, rule.id, scope="all").changed == 0
    assert category_of(bobs) is None and category_of(gone) is None
    assert category_of(out_leg.id) is None and category_of(in_leg.id) is None
    with pytest.raises(NotFound):  # bob cannot run alice's rule on his rows
        rule_application.apply_rule(bob_ledger, rule.id)


@pytest.mark.parametrize("pattern, match, payees, expected", [
    ("50%", "contains", ["Sale 50% off", "Sale 500 off"], [True, False]),
    ("a_b", "contains", ["xa_by", "xaaby"], [True, False]),
    ("back\\slash", "contains", ["a back\\slash", "a backslash"], [True, False]),
    ("Straße", "contains", ["HAUPTSTRASSE 1", "Hauptstraße 1"], [False, True]),
    ("café", "starts_with", ["CAFÉ Rio", "Le café"], [True, False]),
    ("ÄPFEL", "exact", ["äpfel", "äpfel und birnen"], [True, False]),
])
def test_sql_and_python_agree_on_what_matches(ledger, account, supermarket, pattern, match, payees, expected):
    ids = [spend(ledger, account, payee) for payee in payees]
    rule = rules.create_rule(ledger, supermarket.id, pattern, match=match)
    in_python = [rules.best_match(rules.for_ledger(ledger), payee) == supermarket.id for payee in payees]
    rule_application.apply_rule(ledger, rule.id)
    in_sql = [category_of(txn) == supermarket.id for txn in ids]
    assert in_python == in_sql == expected


def test_matching_counts_without_writing(ledger, account, supermarket, restaurants):
    spend(ledger, account, "Countdown")
    filed = spend(ledger, account, "Countdown", category_id=restaurants.id)
    rule = rules.create_rule(ledger, supermarket.id, "countdown")
    assert rule_application.matching(ledger, rule.id) == {"uncategorised": 1, "all": 2}
    assert rule_application.matching(ledger) == {"uncategorised": 1, "all": 2}
    assert category_of(filed) == restaurants.id


def test_a_bad_scope_is_invalid(ledger, supermarket):
    rule = rules.create_rule(ledger, supermarket.id, "x")
    with pytest.raises(Invalid):
        rule_application.apply_rule(ledger, rule.id, scope="some")


def test_create_and_apply_is_one_transaction(ledger, account, supermarket):
    spend(ledger, account, "Countdown")
    rule, applied = rule_application.create_and_apply(ledger, supermarket.id, "countdown", scope="uncategorised")
    assert applied.changed == 1 and rule.id is not None
    with pytest.raises(Invalid):  # the bad scope undoes the rule too
        rule_application.create_and_apply(ledger, supermarket.id, "market", scope="some")
    assert [r.payee_pattern for r in rules.list_rules(ledger)] == ["countdown"]


def test_a_run_costs_the_same_statements_however_many_rows(ledger, account, supermarket):
    def run(payee, count):
        for number in range(count):
            spend(ledger, account, f"{payee} {number}", occurred_at=f"2024-{1 + number % 12:02d}-01T12:00:00")
        rule = rules.create_rule(ledger, supermarket.id, payee)
        with recorded() as statements:
            assert rule_application.apply_rule(ledger, rule.id).changed == count
        return statements

    few, many = run("Countdown", 2), run("Pak'nSave", 300)
    # The rules, the count, the UPDATE, and the category totals: one grouped read and
    # one upsert each for the day and the month rows.
    assert len(few) == len(many) <= 8, many
