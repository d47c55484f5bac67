"""The `analysis` blueprint object, on its own so route modules can share it."""

from flask import Blueprint

bp = Blueprint("analysis", __name__, url_prefix="/analysis")
