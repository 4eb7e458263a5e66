"""Demo content for ``manage.py load_demo``: ``load(log)`` builds home and about, the
services, case studies, blog and resources sections with their pages, topics, FAQs and the
service catalogue (idempotent, keyed by slug): ``site`` holds the frame and ``load``,
``pages`` the sections, ``documents`` the resources' PDFs.

Publishing the pages enqueues their knowledge-base ingestion (after commit); run
``manage.py reindex_knowledge`` to index synchronously.
"""

from __future__ import annotations

from content.demo.site import (
    CONTACT_FIELDS,
    HOME_BODY,
    load,
)

__all__ = [
    "CONTACT_FIELDS",
    "HOME_BODY",
    "load",
]
