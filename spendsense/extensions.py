"""Flask extensions, created unbound and attached in create_app()."""

import flask_limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData

# Named constraints keep Alembic migrations portable between SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, whose request hooks leave alone the requests a request filter exempts.

    Such a request has no limit checked, counted or reported, yet Flask-Limiter's own
    hooks still resolve its limits before it, look for deductions and headers after it
    and reset its state at teardown. Here each hook asks the filters first and returns at
    once when one exempts the request: the filters are all a request without limits pays.
    """

    def init_app(self, app):
        hooks = (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs)
        known = [len(funcs.get(None, ())) for funcs in hooks]
        super().init_app(app)
        for funcs, count in zip(hooks, known, strict=True):
            app_wide = funcs.get(None, [])
            app_wide[count:] = [self._unless_exempt(hook) for hook in app_wide[count:]]

    def _unless_exempt(self, hook):
        filters = self._request_filters

        def guarded(*args):
            # before_request takes nothing and must answer None; after_request must hand
            # back its response; teardown_request's answer is ignored.
            if any(exempt() for exempt in filters):
                return args[0] if args else None
            return hook(*args)

        return guarded


db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
