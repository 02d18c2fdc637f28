"""Flask commands: backup and restore (services/backup/)."""

import sys

import click

from spendsense.services.backup import BackupError, dump, load


def register_backup_cli(app):
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False))
    @click.option("--force", is_flag=True, help="Replace PATH if it exists.")
    @click.option("--sqlite-file", is_flag=True,
                  help="SQLite only: a copy of the database file (online backup API) instead of the portable "
                       "archive.")
    def backup_command(path, force, sqlite_file):
        """Back up every table and attached file to PATH (a ZIP holding backup.json and the files)."""
        try:
            if sqlite_file:
                revision = dump.write_sqlite_copy(path, replace=force)
                click.echo(f"Copied the SQLite database (schema revision {revision}) to {path}.")
                return
            summary = dump.write(path, replace=force)
        except BackupError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        click.echo(f"Backed up {summary.row_count} rows of {len(summary.rows)} tables and {summary.files} "
                   f"files (schema revision {summary.revision}) to {path}.")
        _warn_missing(summary)

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False))
    def restore_command(path):
        """Restore a backup made by `flask backup` into this empty, migrated database."""
        try:
            summary = load.restore(path)
        except BackupError as exc:
            click.echo(exc.message, err=True)
            sys.exit(1)
        click.echo(f"Restored {summary.row_count} rows of {len(summary.rows)} tables and {summary.files} "
                   f"files (schema revision {summary.revision}, backed up {summary.created_at}).")
        _warn_missing(summary)


def _warn_missing(summary):
    if summary.missing_files:
        click.echo(f"{len(summary.missing_files)} attached file(s) were missing or damaged on the backed-up "
                   f"server and are not in the backup: {', '.join(summary.missing_files)}", err=True)
