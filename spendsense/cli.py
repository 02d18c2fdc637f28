"""Flask commands: seed, create-user, check-balances."""

import sys

import click

from spendsense.extensions import db
from spendsense.services.auth import users
from spendsense.services.errors import Invalid
from spendsense.services.ledger import balances, seed


def register_cli(app):
    @app.cli.command("seed")
    def seed_command():
        """Add the system categories that are missing (safe to run again)."""
        added = seed.seed_system_categories()
        click.echo(f"System categories: {added} added, {len(seed.SYSTEM_CATEGORIES) - added} already present.")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--email", required=True, help="The user's email address.")
    @click.option("--password", help="Prompted for (hidden) when not given.")
    @click.option("--currency", default=None, help="Base currency, e.g. EUR.")
    def create_user_command(username, email, password, currency):
        """Create a user with a personal ledger."""
        if password is None:
            password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
        try:
            user = users.register(username, email, password, base_currency=currency)
        except Invalid as exc:
            for field, message in exc.errors.items():
                click.echo(f"{field}: {message}", err=True)
            sys.exit(1)
        click.echo(f"Created user {user.username} (id {user.id}).")

    @app.cli.command("check-balances")
    @click.option("--fix", is_flag=True, help="Rewrite the cached values that differ.")
    def check_balances_command(fix):
        """Recompute every balance and monthly total from the transactions."""
        problems = balances.recompute(db.session, fix=fix)
        for line in problems:
            click.echo(line)
        if problems:
            click.echo(f"{len(problems)} difference(s) found" + (" and fixed." if fix else "."))
            sys.exit(0 if fix else 1)
        click.echo("All balances and monthly totals match their transactions.")
