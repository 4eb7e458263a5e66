"""Fixtures for the API-contract tests: the events and content fixtures of their apps."""

from tests.content.conftest import document, gated_resource, home, resource_index  # noqa: F401
from tests.events.conftest import event, events_index, make_event  # noqa: F401
