import pytest

from spendsense import create_app
from spendsense.config import DEV_SECRET_KEY, normalise_database_url
from spendsense.extensions import db

LONG_SECRET = "s" * 48


def build(monkeypatch, tmp_path, env="testing", config=None):
    monkeypatch.setenv("SPENDSENSE_ENV", env)
    base = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'app.sqlite3'}"}
    app = create_app(base | config if isinstance(config, dict) else config or base)
    with app.app_context():
        db.engine.dispose()
    return app


def test_config_as_a_mapping(monkeypatch, tmp_path):
    app = build(monkeypatch, tmp_path, config={"DEFAULT_CURRENCY": "JPY", "TOKEN_TOUCH_SECONDS": 5})
    assert app.config["TESTING"] is True
    assert (app.config["DEFAULT_CURRENCY"], app.config["TOKEN_TOUCH_SECONDS"]) == ("JPY", 5)


def test_config_as_a_class(monkeypatch, tmp_path):
    class Custom:
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'class.sqlite3'}"
        DEFAULT_TIMEZONE = "Europe/Kyiv"
        lower_case_is_ignored = "yes"

    app = build(monkeypatch, tmp_path, config=Custom)
    assert app.config["DEFAULT_TIMEZONE"] == "Europe/Kyiv"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("class.sqlite3")
    assert "lower_case_is_ignored" not in app.config


def test_environment_picks_the_config_class(monkeypatch, tmp_path):
    app = build(monkeypatch, tmp_path, env="development")
    assert not app.config.get("TESTING")
    with pytest.raises(RuntimeError, match="SPENDSENSE_ENV"):
        build(monkeypatch, tmp_path, env="staging")


@pytest.mark.parametrize("secret", [None, DEV_SECRET_KEY, "", "short"])
def test_production_refuses_a_default_or_weak_secret(monkeypatch, tmp_path, secret):
    config = {} if secret is None else {"SECRET_KEY": secret}
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        build(monkeypatch, tmp_path, env="production", config=config)


def test_production_starts_with_a_long_secret(monkeypatch, tmp_path):
    app = build(monkeypatch, tmp_path, env="production", config={"SECRET_KEY": LONG_SECRET})
    assert app.config["SECRET_KEY"] == LONG_SECRET
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.config.get("TESTING")


@pytest.mark.parametrize("url, expected", [
    ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:///x.db", "sqlite:///x.db"),
])
def test_database_urls_use_psycopg_3(url, expected):
    assert normalise_database_url(url) == expected


def test_sqlite_connections_are_configured(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_body_larger_than_any_upload_is_refused_before_it_is_read(app, client, auth):
    limit = app.config["UPLOAD_MAX_CONTENT_LENGTH"]  # the largest any route takes (tests/unit/test_limits.py)
    assert limit > app.config["IMPORT_MAX_BYTES"]
    assert limit > app.config["ATTACHMENT_MAX_BYTES"] * 4 // 3
    response = client.post("/v2/users/1/attachments", data=b"x" * (limit + 1),
                           headers={**auth, "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.get_json() == {"error": "Request too large"}
