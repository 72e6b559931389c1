"""The application layer (应用层): one module per use case — publish, import, write facts, appeals,
bulletins — called alike by the REST API, the pages and the command line.

A use case checks the one policy table (:mod:`kaoping.app.policy`), writes its audit entry in the same
transaction as its change, and refuses with the domain errors of :mod:`kaoping.app.errors`, which each
edge maps once (the API to HTTP problems, the pages to Chinese pages, the CLI to exit codes).  It knows
no FastAPI, no pages and no Typer.
"""
