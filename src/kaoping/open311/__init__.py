"""Open311 GeoReport v2 for kaoping: citizens' and partner apps' reports become 数字城管 cases, and every
case of a published category can be followed by anyone (wiki.open311.org/GeoReport_v2).

Mount ``router`` into an app and call ``configure(app, factory)`` (or let it find the main app's store on
first use); ``open311_app`` is the same router standing alone.  See ``settings`` for configuration,
``services`` for the service catalogue, ``status`` for how the lifecycle maps to open/closed.
"""

from kaoping.open311.app import open311_app
from kaoping.open311.intake import process_pending
from kaoping.open311.routes import router
from kaoping.open311.settings import Open311Context, Open311Settings, configure, load_settings

__all__ = [
    "Open311Context",
    "Open311Settings",
    "configure",
    "load_settings",
    "open311_app",
    "process_pending",
    "router",
]
