"""The HTTP server (FastAPI): the explorer's pages, the REST API, yente's /match."""

import os

from chipwatch.server.app import create_app


def app_from_env():
    """The app for uvicorn's worker processes (`chipwatch serve --workers N`)."""
    return create_app(os.environ["CHIPWATCH_DB"], bool(os.environ.get("CHIPWATCH_ALLOW_WRITE")),
                      os.environ.get("CHIPWATCH_TOKEN"))


__all__ = ["create_app", "app_from_env"]
