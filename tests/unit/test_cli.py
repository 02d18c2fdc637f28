from sqlalchemy import func, select, text

from spendsense.extensions import db
from spendsense.models import Category, User
from spendsense.services.auth import users
from spendsense.services.ledger import accounts
from tests import factories
from tests.conftest import PASSWORD
from tests.unit.helpers import balance


def count_system_categories():
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Category).where(Category.ledger_id.is_(None)))


def test_seed_is_idempotent(runner):
    db.session.execute(text("DELETE FROM categories WHERE value IN ('pets', 'salary')"))
    db.session.commit()
    assert count_system_categories() == 15
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert first.output == "System categories: 2 added, 15 already present.\n"
    second = runner.invoke(args=["seed"])
    assert second.exit_code == 0
    assert second.output == "System categories: 0 added, 17 already present.\n"
    assert count_system_categories() == 17


def test_create_user(runner):
    result = runner.invoke(args=["create-user", "carol", "--email", "Carol@Example.com", "--password", PASSWORD,
                                 "--currency", "gbp"])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    user = db.session.scalars(select(User).where(User.username == "carol")).one()
    assert result.output == f"Created user carol (id {user.id}).\n"
    assert PASSWORD not in result.output
    assert user.password_hash not in result.output
    assert (user.email, user.base_currency) == ("carol@example.com", "GBP")
    assert users.authenticate("carol", PASSWORD).id == user.id


def test_create_user_prompts_for_the_password(runner):
    result = runner.invoke(args=["create-user", "dave", "--email", "dave@example.com"],
                           input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert "Password" in result.output
    assert users.authenticate("dave", PASSWORD).username == "dave"


def test_create_user_prompt_needs_matching_confirmation(runner):
    result = runner.invoke(args=["create-user", "dave", "--email", "dave@example.com"],
                           input=f"{PASSWORD}\nsomething else\n")
    assert result.exit_code != 0
    assert PASSWORD not in result.output
    assert users.find_by_login("dave") is None


def test_create_user_rejects_invalid_input(runner, user):
    result = runner.invoke(args=["create-user", "ALICE", "--email", "bad", "--password", "short"])
    assert result.exit_code == 1
    assert "username: This username is already taken." in result.output
    assert "email: Enter a valid email address." in result.output
    assert "password: Password must be at least 12 characters." in result.output
    assert "short" not in result.output.replace("Password must be at least", "")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_create_user_needs_an_email(runner):
    result = runner.invoke(args=["create-user", "erin", "--password", PASSWORD])
    assert result.exit_code == 2
    assert users.find_by_login("erin") is None


def test_check_balances(runner, ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="-12.34", occurred_at="2024-03-01")
    result = runner.invoke(args=["check-balances"])
    assert result.exit_code == 0, result.output
    assert result.output == "All balances and monthly totals match their transactions.\n"


def test_check_balances_finds_and_fixes_a_corrupted_balance(runner, ledger, account):
    savings = accounts.create_account(ledger, "Savings", opening_balance="5").id
    factories.create_transaction(ledger, account_id=account, amount="-12.34", occurred_at="2024-03-01")
    db.session.execute(text("UPDATE accounts SET balance = balance + 1 WHERE id = :id"), {"id": account})
    db.session.execute(text("UPDATE monthly_totals SET spent = 0 WHERE account_id = :id"), {"id": account})
    db.session.commit()

    result = runner.invoke(args=["check-balances"])
    assert result.exit_code == 1
    assert result.output == (
        f"account {account} (Current): cached balance -1233, transactions give -1234 (minor units)\n"
        f"monthly total account {account} 2024-03: cached (0, 0, 0, 1), transactions give (1234, 0, 0, 1)\n"
        "2 difference(s) found.\n"
    )
    assert balance(account) == -1233

    fixed = runner.invoke(args=["check-balances", "--fix"])
    assert fixed.exit_code == 0
    assert fixed.output.endswith("2 difference(s) found and fixed.\n")
    assert balance(account) == -1234
    assert balance(savings) == 500

    again = runner.invoke(args=["check-balances"])
    assert again.exit_code == 0
    assert again.output == "All balances and monthly totals match their transactions.\n"


def test_check_balances_restores_a_missing_monthly_row(runner, ledger, account):
    factories.create_transaction(ledger, account_id=account, amount="7", occurred_at="2024-05-05")
    db.session.execute(text("DELETE FROM monthly_totals"))
    db.session.commit()
    assert runner.invoke(args=["check-balances"]).exit_code == 1
    assert runner.invoke(args=["check-balances", "--fix"]).exit_code == 0
    assert runner.invoke(args=["check-balances"]).exit_code == 0
