"""The REST API blueprint (mounted at /api): the incidents, analysis and model views.

Authorisation (API_TOKEN) and size limits apply app-wide: see web/security.py and web/limits.py.
"""

from __future__ import annotations

from flask import Blueprint

from web import api_analysis, api_corrections, api_incidents, api_model

bp = Blueprint("api", __name__, url_prefix="/api")
bp.register_blueprint(api_incidents.bp)
bp.register_blueprint(api_analysis.bp)
bp.register_blueprint(api_model.bp)
bp.register_blueprint(api_corrections.bp)
