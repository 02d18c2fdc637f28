"""The Alembic migrations (run once per test session by tests/conftest.py) build
exactly the schema the models describe."""

import warnings

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select, text
from sqlalchemy.schema import CreateIndex

from spendsense.extensions import db
from spendsense.models import Category, CategoryRule, Transaction
from spendsense.services.ledger import accounts, categories, rules, seed
from spendsense.services.scope import ledger_for
from tests.factories import create_transaction

# SQLite cannot reflect indexes on expressions, so autogenerate skips them (with a
# warning); test_sqlite_indexes_match_the_models compares their DDL instead.
EXPRESSION_INDEXES = {"uq_users_username_lower", "uq_accounts_ledger_name"}


def model_indexes():
    return {index.name: index for table in db.metadata.tables.values() for index in table.indexes}


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": True})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            differences = compare_metadata(context, db.metadata)
    assert differences == []
    skipped = {str(w.message) for w in caught}
    if db.engine.dialect.name == "sqlite":
        assert all(any(name in message for name in EXPRESSION_INDEXES) for message in skipped), skipped
    else:
        assert skipped == set()


def test_every_index_exists(app):
    inspector = inspect(db.engine)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection of expression-based index")
        found = {index["name"] for name in inspector.get_table_names() for index in inspector.get_indexes(name)}
    if db.engine.dialect.name == "sqlite":
        found |= set(db.session.scalars(text(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")))
    assert set(model_indexes()) <= found


def test_index_definitions_match_the_models(app):
    """Partial (WHERE) and expression indexes are compared here, text for text."""
    if db.engine.dialect.name == "sqlite":
        stored = dict(db.session.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")).all())
        for name, index in model_indexes().items():
            assert stored[name] == str(CreateIndex(index).compile(dialect=db.engine.dialect)), name
    else:
        stored = dict(db.session.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")).all())
        assert stored["uq_users_username_lower"].endswith("(lower((username)::text))")
        assert stored["uq_accounts_ledger_name"].endswith(
            "(ledger_id, lower((name)::text)) WHERE (deleted_at IS NULL)")
        assert stored["uq_categories_system_kind_value"].endswith("WHERE (ledger_id IS NULL)")
        assert stored["uq_transactions_account_external"].endswith("WHERE (external_id IS NOT NULL)")
        for name in ("uq_users_username_lower", "uq_accounts_ledger_name", "uq_categories_system_kind_value",
                     "uq_transactions_account_external"):
            assert stored[name].startswith("CREATE UNIQUE INDEX"), name


def test_the_migration_seeds_the_system_categories(app):
    """Run the migrations again from nothing; the app fixture's own seeding is undone."""
    db.session.commit()
    db.session.remove()
    downgrade(revision="base")
    assert "categories" not in inspect(db.engine).get_table_names()
    upgrade()
    rows = db.session.execute(select(Category.kind, Category.value, Category.name, Category.icon)
                              .where(Category.ledger_id.is_(None))).all()
    assert len(rows) == 17
    assert set(rows) == set(seed.SYSTEM_CATEGORIES)
    assert seed.seed_system_categories() == 0



def test_upgrading_keeps_the_rows_that_point_at_categories(app, user):
    """A migration that rebuilds a table on SQLite drops the old one, which with foreign
    keys on cascades into the rows pointing at it (0010 once deleted every rule)."""
    ledger = ledger_for(user)
    food = categories.create_category(ledger, "Food", "🍔", "spent").id
    rules.create_rule(ledger, food, "Shop")
    txn = create_transaction(ledger, account_id=accounts.create_account(ledger, "Main").id, amount="-1",
                             category_id=food).id
    db.session.commit()
    db.session.remove()
    downgrade(revision="0009")
    upgrade()
    assert db.session.scalar(select(func.count()).select_from(CategoryRule)) == 1
    assert db.session.scalar(select(Transaction.category_id).where(Transaction.id == txn)) == food
