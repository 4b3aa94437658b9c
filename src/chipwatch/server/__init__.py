"""The HTTP server (FastAPI): the explorer's pages, the REST API, yente's /match."""

from chipwatch.server.app import create_app

__all__ = ["create_app"]
