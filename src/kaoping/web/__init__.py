"""The browser pages of kaoping: server-rendered (Jinja2) so they work without a front-end build step.

Public 公示 pages need no sign-in; office pages reuse the API's session cookie, so signing in once
through ``POST /api/auth/login`` serves both the API and these pages.
"""
