"""The `interview` blueprint object, on its own so route modules can share it."""

from flask import Blueprint

bp = Blueprint("interview", __name__, url_prefix="/interview")
