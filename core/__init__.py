"""The core app: cross-cutting platform code every app shares (see ``core.apps``)."""
