"""The `studio` blueprint object, on its own so route modules can share it."""

from flask import Blueprint

bp = Blueprint("studio", __name__, url_prefix="/studio")
