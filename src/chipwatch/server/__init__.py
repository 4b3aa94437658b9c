"""The HTTP server (FastAPI): REST endpoints over the store. Read-only."""

from chipwatch.server.app import create_app

__all__ = ["create_app"]
