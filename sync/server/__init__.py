"""The central server: FastAPI app factory and the store functions behind it."""

from sync.server.app import create_app

__all__ = ["create_app"]
