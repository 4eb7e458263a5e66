"""Fixtures of the security tests: the content tests' small site with a gated resource."""

from tests.content.conftest import (  # noqa: F401 - fixtures used by the identity tests
    document,
    gated_resource,
    home,
    resource_index,
)
