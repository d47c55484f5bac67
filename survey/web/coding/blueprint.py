"""The `coding` blueprint object, on its own so route modules can share it."""

from flask import Blueprint

bp = Blueprint("coding", __name__, url_prefix="/coding")
