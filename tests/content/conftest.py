"""Fixtures for the content tests: the local embedder loaded once per session, a small
site tree, resource pages with documents, visitors, and the demo knowledge base loaded
once per module (inside a transaction that is rolled back afterwards)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.base import ContentFile
from django.db import transaction

from tests.factories import visitor_cookie


@pytest.fixture(scope="session")
def local_embedder():
    """The all-MiniLM-L6-v2 embedder, model loaded once for the whole session."""
    from ementech.ai.config import get_embedder

    embedder = get_embedder("all-MiniLM-L6-v2")
    embedder.embed(["warm up"])
    return embedder


@pytest.fixture
def embed_counter(local_embedder, monkeypatch):
    """Counts the texts ingestion actually sends to the embedder (the real model still
    runs)."""
    calls: list[int] = []
    real = type(local_embedder).embed_documents

    def counting(texts):
        calls.append(len(texts))
        return real(local_embedder, texts)

    monkeypatch.setattr(local_embedder, "embed_documents", counting)
    return calls


@pytest.fixture
def home(db):
    from wagtail.models import Page, Site

    from content.models import HomePage

    root = Page.get_first_root_node()
    home = HomePage.objects.filter(slug="home").first()
    if home is None:
        Page.objects.filter(depth=2, slug="home").update(slug="wagtail-welcome")
        home = root.add_child(instance=HomePage(title="EmenTech", slug="home", hero_title="AI"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


@pytest.fixture
def resource_index(home):
    from content.models import ResourceIndexPage

    index = ResourceIndexPage(title="Resources", slug="resources", intro="Free guides.")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_document(title: str = "Field Guide", body: bytes = b"%PDF-1.4 test document\n"):
    from wagtail.documents import get_document_model

    document = get_document_model()(title=title)
    document.file.save(f"{uuid.uuid4().hex[:8]}-guide.pdf", ContentFile(body), save=False)
    document.save()
    return document


@pytest.fixture
def document(db):
    return make_document()


@pytest.fixture
def gated_resource(resource_index, document):
    from content.models import ResourcePage

    page = ResourcePage(
        title="Warehouse Automation Field Guide",
        slug="warehouse-guide",
        summary="How to automate picking and packing.",
        resource_type="guide",
        document=document,
        is_gated=True,
        required_fields=["email", "role", "company_size"],
        value_exchange="Tell us your role so we can send the right examples.",
    )
    resource_index.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def visitor(db):
    from leads.services import visitor_touch

    return visitor_touch(visitor_id=None)


@pytest.fixture
def visitor_client(visitor):
    from django.test import Client

    client = Client()
    client.cookies["em_consent"] = "1.a1.m0"  # analytics consent: the visitor cookie is kept
    client.cookies["em_vid"] = visitor_cookie(visitor)
    return client


@pytest.fixture(scope="module")
def demo_kb(django_db_setup, django_db_blocker, local_embedder):
    """The demo site, indexed, shared by every test of a module: loaded inside an outer
    transaction (each test runs in a savepoint of it) and rolled back at the end."""
    from content import demo
    from content.knowledge import forget
    from content.services import knowledge_reindex

    with django_db_blocker.unblock():
        with transaction.atomic():
            demo.load(lambda message: None)
            result = knowledge_reindex()
            yield result
            transaction.set_rollback(True)
        forget()


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
