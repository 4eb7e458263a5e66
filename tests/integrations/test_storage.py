"""Issue 19, acceptance 4 (S3): with a bucket configured, uploads go to S3 through
django-storages/boto3 (moto's S3 server in-process), objects stay private, and a gated
download still needs our signed link, which redirects to a short-lived presigned URL."""

from __future__ import annotations

import contextlib

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer

from content.models import ResourcePage
from tests.content.conftest import home, make_document, resource_index, visitor, visitor_client

__all__ = ["home", "resource_index", "visitor", "visitor_client"]  # fixtures used below

pytestmark = pytest.mark.django_db

BUCKET = "engage-files"


@pytest.fixture(scope="module")
def moto_s3():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(moto_s3, settings):
    settings.AWS_ACCESS_KEY_ID = "testing"
    settings.AWS_SECRET_ACCESS_KEY = "testing"  # noqa: S105 - moto's
    settings.AWS_S3_ENDPOINT_URL = moto_s3
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_SIGNATURE_VERSION = "s3v4"
    settings.AWS_STORAGE_BUCKET_NAME = BUCKET
    settings.AWS_DEFAULT_ACL = None
    settings.AWS_QUERYSTRING_EXPIRE = 3600
    settings.AWS_DOWNLOAD_URL_SECONDS = 60
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "integrations.storage.PrivateS3Storage"},
    }
    client = boto3.client(
        "s3",
        endpoint_url=moto_s3,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET)
    return client


def gated(resource_index, document):
    page = ResourcePage(
        title="S3 Field Guide",
        slug="s3-guide",
        summary="Stored in a bucket.",
        resource_type="guide",
        document=document,
        is_gated=True,
        required_fields=["email"],
    )
    resource_index.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_uploads_go_to_the_bucket_and_stay_private(s3):
    document = make_document(body=b"%PDF-1.4 in the bucket\n")
    key = document.file.name
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert body == b"%PDF-1.4 in the bucket\n"
    grants = s3.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]
    # Any URL the storage hands out is presigned.
    assert "X-Amz-Signature=" in document.file.url


def test_gated_download_redirects_to_a_short_presigned_url(s3, resource_index, visitor_client):
    page = gated(resource_index, make_document(body=b"%PDF-1.4 gated\n"))
    link = visitor_client.post(
        f"/api/content/{page.slug}/download",
        {"email": "s3reader@example.com", "consent": {"data_processing": True, "wording": "ok"}},
        content_type="application/json",
    )
    assert link.status_code == 201, link.content
    path = "/" + link.json()["download_url"].split("://", 1)[1].split("/", 1)[1]

    response = visitor_client.get(path)
    assert response.status_code == 302
    presigned = response["Location"]
    assert presigned.startswith(s3.meta.endpoint_url)
    assert "X-Amz-Signature=" in presigned and "X-Amz-Expires=60" in presigned
    assert "response-content-disposition=attachment" in presigned
    fetched = httpx.get(presigned)
    assert fetched.status_code == 200 and fetched.content == b"%PDF-1.4 gated\n"

    tampered = visitor_client.get(path.rstrip("/")[:-3] + "xyz/")
    assert tampered.status_code == 403
