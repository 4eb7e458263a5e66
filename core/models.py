"""Tables of the core app: the transactional outbox of background work (``core.outbox``).

The module also makes Django send the app ``post_migrate``, which installs roles and the
Wagtail root."""

from core.outbox import OutboxMessage

__all__ = ["OutboxMessage"]
