"""Blueprint "api": one sub-blueprint per dialect, each with its own error shape."""

from flask import Blueprint

from spendsense.api.projects import bp as projects_bp
from spendsense.api.v1 import bp as v1_bp
from spendsense.api.v2 import bp as v2_bp
from spendsense.api.xpenser import bp as xpenser_bp

bp = Blueprint("api", __name__)
bp.register_blueprint(v1_bp, url_prefix="/api/v1")
bp.register_blueprint(projects_bp, url_prefix="/api")
bp.register_blueprint(xpenser_bp, url_prefix="/api")
bp.register_blueprint(v2_bp, url_prefix="/v2")
