"""The REST API (FastAPI): the same store, engine and publishing workflow as the CLI, behind roles.

``build_api`` builds the API alone; :func:`kaoping.server.create_app` (the composition root) mounts the pages
and Open311 beside it, and ``kaoping serve`` runs that.  Who may do what is decided in one place,
:mod:`kaoping.api.roles`, so the rules can be read (and tested) as one table.
"""

from __future__ import annotations

from kaoping.api.app import build_api

__all__ = ["build_api"]
