"""The HTTP API, the dashboard's server and the review workflow (issue 6).

``harmwatch.api.app.create_app`` builds the FastAPI application; ``harmwatch serve`` runs it with
uvicorn. ``harmwatch.api.actions`` (review decisions) and ``harmwatch.api.auth`` (tokens) need no web
framework, so the command line and tests use them directly. Nothing here imports FastAPI until an app
is built.
"""
