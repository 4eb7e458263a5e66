"""Knowledge-base ingestion: publishing indexes a page through the Celery task, an edit
re-embeds only the chunks whose text changed, unpublish/delete remove it from search,
snippets are indexed, and ``reindex_knowledge`` reports its work."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client

from content.models import FAQ, BlogIndexPage, BlogPage, ContentChunk

pytestmark = pytest.mark.django_db

SECTIONS = {
    "Discovery": "We spend two weeks with the dispatch team. We map every handover between "
    "the warehouse, the drivers and customer care, and we measure how long each one takes.",
    "Pilot": "The pilot runs on one depot for six weeks. Drivers use a phone app that shows "
    "the next stop, and planners see live progress on a wall screen in the yard.",
    "Scale": "After the pilot we roll out depot by depot. Each depot gets a half-day of "
    "training, and a named engineer stays on call for the first fortnight.",
}


def _body(sections: dict[str, str]) -> list[dict]:
    out = []
    for heading, text in sections.items():
        out += [
            {"type": "heading", "value": heading},
            {"type": "paragraph", "value": f"<p>{text}</p>"},
        ]
    return out


@pytest.fixture
def blog_index(home):
    index = BlogIndexPage(title="Insights", slug="blog")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def _publish_post(blog_index, capture, sections=SECTIONS) -> BlogPage:
    page = BlogPage(
        title="Rolling out dispatch software",
        slug="rolling-out-dispatch",
        date=dt.date(2025, 5, 1),
        summary="How we introduce new tools to a fleet.",
        body=_body(sections),
    )
    with capture(execute=True):
        blog_index.add_child(instance=page)
        page.save_revision().publish()
    return page


def _search(query: str) -> list[dict]:
    response = Client().get("/api/search", {"q": query})
    assert response.status_code == 200
    return response.json()["results"]


def test_publish_then_edit_one_paragraph_reembeds_only_changed_chunks(
    blog_index, embed_counter, django_capture_on_commit_callbacks
):
    page = _publish_post(blog_index, django_capture_on_commit_callbacks)
    rows = list(ContentChunk.objects.filter(source_key=f"page:{page.pk}"))
    assert len(rows) >= 4  # intro + one per section
    assert sum(embed_counter) == len(rows)
    assert {r.model_name for r in rows} == {"all-MiniLM-L6-v2"}
    assert {r.dimension for r in rows} == {384}
    assert all(len(bytes(r.embedding)) == 384 * 4 for r in rows)
    before = {r.content_hash: r.vector_id for r in rows}

    embed_counter.clear()
    edited = dict(SECTIONS)
    edited["Pilot"] = (
        "The pilot runs on two depots for eight weeks. Drivers confirm each delivery with a "
        "photo, and planners get an alert when a truck is more than twenty minutes late."
    )
    page = BlogPage.objects.get(pk=page.pk)
    page.body = _body(edited)
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()

    after = {
        r.content_hash: r.vector_id
        for r in ContentChunk.objects.filter(source_key=f"page:{page.pk}")
    }
    changed = set(after) - set(before)
    assert len(changed) == 1 and len(set(before) - set(after)) == 1
    assert sum(embed_counter) == 1  # only the edited section's chunk went to the model
    assert len(after) == len(before)
    # The new text is searchable, by meaning.
    results = _search("photo proof of delivery and late truck alerts")
    assert results[0]["url"] == page.get_url()

    # Publishing again without changes embeds nothing.
    embed_counter.clear()
    with django_capture_on_commit_callbacks(execute=True):
        BlogPage.objects.get(pk=page.pk).save_revision().publish()
    assert sum(embed_counter) == 0


def test_unpublish_and_delete_remove_the_page_from_search(
    blog_index, local_embedder, django_capture_on_commit_callbacks
):
    page = _publish_post(blog_index, django_capture_on_commit_callbacks)
    query = "training for each depot and an engineer on call"
    assert _search(query)[0]["title"] == page.title

    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert not ContentChunk.objects.filter(source_key=f"page:{page.pk}").exists()
    assert all(r["title"] != page.title for r in _search(query))

    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert _search(query)[0]["title"] == page.title
    page_id = page.pk
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert not ContentChunk.objects.filter(source_key=f"page:{page_id}").exists()
    assert all(r["title"] != "Rolling out dispatch software" for r in _search(query))


def test_faq_snippets_are_indexed_and_leave_when_hidden(
    local_embedder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        faq = FAQ.objects.create(
            question="Do you support on-premise deployment?",
            answer="<p>Yes. We can run every component inside your own data centre, "
            "including the language model, for banks that cannot use public cloud.</p>",
        )
    results = _search("can everything run in our own server room instead of the cloud")
    assert results[0]["type"] == "faq" and results[0]["title"] == faq.question

    with django_capture_on_commit_callbacks(execute=True):
        faq.live = False
        faq.save()
    assert not ContentChunk.objects.filter(source_key=f"faq:{faq.pk}").exists()


def test_chunks_respect_sentence_boundaries_and_overlap():
    from content.text import chunk_text, count_tokens, split_sentences

    sentences = [f"Sentence number {n} talks about topic {n} in some detail." for n in range(60)]
    text = " ".join(sentences)
    chunks = chunk_text(text, max_tokens=120, overlap=24)
    assert len(chunks) > 3
    for chunk in chunks:
        assert count_tokens(chunk) <= 120
        assert all(s in sentences for s in split_sentences(chunk))  # whole sentences only
    for first, second in zip(chunks, chunks[1:], strict=False):
        # The last sentences of a chunk (up to the overlap) open the next one.
        assert split_sentences(first)[-1] in split_sentences(second)[:2]
        assert split_sentences(second)[0] in split_sentences(first)


def test_reindex_command_reports_and_is_incremental(
    blog_index, embed_counter, django_capture_on_commit_callbacks
):
    page = _publish_post(blog_index, django_capture_on_commit_callbacks)
    ContentChunk.objects.filter(source_key=f"page:{page.pk}").delete()  # simulate a lost index
    embed_counter.clear()
    out, err = io.StringIO(), io.StringIO()
    call_command("reindex_knowledge", stdout=out, stderr=err)
    first = sum(embed_counter)
    assert first >= 4
    assert "indexing" in err.getvalue()  # the tqdm progress bar
    assert f"{first} embedded" in out.getvalue()

    embed_counter.clear()
    out = io.StringIO()
    call_command("reindex_knowledge", stdout=out, stderr=io.StringIO())
    assert sum(embed_counter) == 0
    assert "0 embedded" in out.getvalue()

    call_command("reindex_knowledge", "--all", stdout=io.StringIO(), stderr=io.StringIO())
    assert sum(embed_counter) == first


def test_in_memory_index_follows_the_version_counter(
    blog_index, local_embedder, django_capture_on_commit_callbacks
):
    from content.knowledge import current_version, snapshot

    page = _publish_post(blog_index, django_capture_on_commit_callbacks)
    kb = snapshot()
    assert kb.version == current_version()
    assert len(kb.ids) == ContentChunk.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    # Another process would see the new token through the cache/DB; this one reloads too.
    assert snapshot().version != kb.version
    assert len(snapshot().ids) == 0
    centroid_free = snapshot().page_centroids()
    assert centroid_free == {}
    assert np.asarray(kb.page_ids).size == len(kb.ids)
