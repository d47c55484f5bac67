"""The `respond` blueprint object, on its own so route modules can share it."""

from flask import Blueprint

bp = Blueprint("respond", __name__)
