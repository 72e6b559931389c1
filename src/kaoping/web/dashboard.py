"""(placeholder: filled in by the dashboard work of issue 6)"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
