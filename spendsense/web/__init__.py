"""Blueprint "web": the server-rendered UI."""

from flask import Blueprint

from spendsense.extensions import db, login_manager
from spendsense.models import User

bp = Blueprint("web", __name__)


@login_manager.user_loader
def _load_user(user_id):
    if not str(user_id).isdigit():
        return None
    return db.session.get(User, int(user_id))


from spendsense.web import views  # noqa: E402,F401  (routes register on bp)
