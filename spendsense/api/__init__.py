"""Blueprint "api": one sub-blueprint per dialect, each with its own error shape."""

from flask import Blueprint

from spendsense.api.v1 import bp as v1_bp

bp = Blueprint("api", __name__)
bp.register_blueprint(v1_bp, url_prefix="/api/v1")
