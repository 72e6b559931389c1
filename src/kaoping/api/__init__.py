"""The REST API (FastAPI): the same store, engine and publishing workflow as the CLI, behind roles.

``create_app`` builds the application; ``kaoping serve`` runs it with uvicorn.  Who may do what is
decided in one place, :mod:`kaoping.api.roles`, so the rules can be read (and tested) as one table.
"""

from __future__ import annotations

from kaoping.api.app import create_app

__all__ = ["create_app"]
