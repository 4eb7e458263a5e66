"""Writes of the mail app: ``sending`` (queue, deliver, limits, retry, bounce), ``links``
(signed click links, the open pixel, allowed redirect hosts) and ``tracking`` (opens and
clicks). Other apps use ``mail.facade``."""
