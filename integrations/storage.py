"""Files on S3 (or any S3-compatible store) through ``django-storages`` when
``AWS_STORAGE_BUCKET_NAME`` is set; local files otherwise.

Objects are private (no public ACL); every URL handed out is presigned and short-lived, and
gated downloads go through our signed link first, which then redirects to a presigned URL
that forces the attachment's filename."""

from __future__ import annotations

from django.conf import settings
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    default_acl = None  # the bucket's private default
    querystring_auth = True  # every URL is presigned
    file_overwrite = False  # a new upload never replaces another file of the same name
    presigned_downloads = True


def download_url(file_field, *, filename: str) -> str | None:
    """A short-lived presigned URL for a gated download, or ``None`` when the file is local
    (then the view streams it)."""
    storage = file_field.storage
    if not getattr(storage, "presigned_downloads", False):
        return None
    safe = filename.replace('"', "").replace("\r", "").replace("\n", "")
    return storage.url(
        file_field.name,
        parameters={"ResponseContentDisposition": f'attachment; filename="{safe}"'},
        expire=settings.AWS_DOWNLOAD_URL_SECONDS,
    )
