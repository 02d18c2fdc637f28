"""Flask commands: seed, create-user, check-balances, import-file (backup and restore: cli_backup.py)."""

import sys

import click

from spendsense import money
from spendsense.cli_backup import register_backup_cli
from spendsense.extensions import db
from spendsense.services.auth import users
from spendsense.services.errors import Invalid, NotFound
from spendsense.services.io import imports, profiles
from spendsense.services.ledger import balances, seed
from spendsense.services.scope import ledger_for


def register_cli(app):
    register_backup_cli(app)

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

    @app.cli.command("import-file")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    @click.option("--user", "login", required=True, help="Username or email of the ledger's owner.")
    @click.option("--account", required=True, help="The account's name, or its id.")
    @click.option("--dry-run", is_flag=True, help="Say what would be imported; write nothing.")
    @click.option("--date-order", type=click.Choice(["dmy", "mdy"]), help="For files whose dates read both ways.")
    @click.option("--profile", help="A CSV column mapping saved on the web's import screen (its name).")
    def import_file_command(path, login, account, dry_run, date_order, profile):
        """Import a bank statement (OFX/QFX, QIF, CSV, CAMT.053 or a SpendSense export)."""
        user = users.find_by_login(login)
        if user is None:
            click.echo(f"No user {login!r}.", err=True)
            sys.exit(1)
        config = app.config
        max_bytes = config.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
        try:
            ledger_id = ledger_for(user, write=True)
            target = imports.account_by_reference(ledger_id, account)
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
            dialect = None
            if profile:
                saved = profiles.find_by_name(ledger_id, profile)
                if saved is None:
                    raise NotFound(f"No saved profile {profile!r}.")
                dialect = profiles.dialect_of(saved)
            statement = imports.read_file(data, path, max_bytes=max_bytes, csv_dialect=dialect,
                                          max_rows=config.get("IMPORT_MAX_ROWS", 200_000), date_order=date_order)
            if dry_run:
                counts = imports.plan(ledger_id, target.id, statement).counts
                click.echo(f"Would import {counts['new']} new rows into {target.name}; "
                           f"{counts['duplicate']} duplicate, {counts['matched']} matched to rows entered by hand.")
                return
            batch = imports.import_statement(ledger_id, target.id, statement, file_name=path.rsplit("/", 1)[-1])
        except (Invalid, NotFound) as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        click.echo(f"Imported {batch.new_count} new rows into {target.name} (batch {batch.id}); "
                   f"{batch.duplicate_count} duplicate, {batch.matched_count} matched to rows entered by hand.")
        gap = imports.difference(batch)
        if gap:
            click.echo(f"The statement's balance differs from the account's by "
                       f"{money.from_minor(gap, target.currency)} {target.currency}.")

    @app.cli.command("post-due")
    @click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
                  help="Post what is due up to this date (YYYY-MM-DD); default: each ledger's today.")
    def post_due_command(day):
        """Record the due transactions of events marked "post automatically" (safe to run again)."""
        from spendsense.services.planning import recurring

        counts = recurring.post_due(today=day.date() if day else None)
        click.echo(f"Posted {counts['posted']}, matched {counts['matched']} to transactions entered by hand, "
                   f"{counts['failed']} failed.")
        if counts["failed"]:
            click.echo("The failed ones are in the log; they are tried again on the next run.", err=True)
            sys.exit(1)
