"""Form field set tests (issue 18) on a gated resource's download form: the page renders
the visitor's variant's fields (server-side), the API requires exactly those and stores
nothing else, whatever the body claims; the exposure is counted once, a lead captured
counts for its arm, visitors without analytics consent see the form as it is and are not
counted, and shipping makes the variant's fields the form's own."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.base import ContentFile
from django.db.models import Count
from django.test import Client

from experiments import resolution
from experiments.models import Experiment, Exposure, Variant
from experiments.services import ExperimentError, experiment_ship, experiment_start
from leads.services import visitor_touch
from tests.factories import visitor_cookie

pytestmark = pytest.mark.django_db

CONSENT = "1.a1.m0"
LONG = ["email", "company", "role"]


@pytest.fixture
def resource(db):
    return make_resource()


def make_resource():
    """A home page, a resource index and a gated resource asking for the email only."""
    from wagtail.documents import get_document_model
    from wagtail.models import Page, Site

    from content.models import HomePage, ResourceIndexPage, ResourcePage

    root = Page.get_first_root_node()
    Page.objects.filter(depth=2, slug="home").update(slug="wagtail-welcome")
    home = root.add_child(instance=HomePage(title="EmenTech", slug="home", hero_title="AI"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    index = home.add_child(instance=ResourceIndexPage(title="Resources", slug="resources"))
    document = get_document_model()(title="Guide")
    document.file.save(f"{uuid.uuid4().hex[:8]}.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()
    page = ResourcePage(
        title="Ops Automation Guide",
        slug="ops-guide",
        resource_type="guide",
        document=document,
        is_gated=True,
        required_fields=["email"],
        value_exchange="The guide, by email.",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return page


@pytest.fixture
def form_test(resource):
    exp = Experiment.objects.create(
        name="Download form fields",
        slug="download-fields",
        target=Experiment.Target.FORM_FIELDS,
        page=resource,
        goal=Experiment.Goal.LEAD_CAPTURED,
    )
    Variant.objects.create(experiment=exp, key="control", weight=50, content="", sort_order=0)
    Variant.objects.create(
        experiment=exp, key="long", weight=50, content="email, company, role", sort_order=1
    )
    experiment_start(experiment=exp)
    resolution.invalidate()
    return exp


def _browser(consent: bool = True):
    visitor = visitor_touch(visitor_id=None)
    client = Client()
    client.cookies["em_vid"] = visitor_cookie(visitor)
    if consent:
        client.cookies["em_consent"] = CONSENT
    return client, visitor


def _variant(exp, visitor) -> str:
    return resolution.resolve_for_visitor(
        exp.slug, visitor_id=visitor.pk, consented=True, record=False
    ).variant


def _post(client, body: dict):
    body = {"consent": {"data_processing": True, "wording": "I agree"}, **body}
    return client.post("/api/content/ops-guide/download", body, content_type="application/json")


def _inputs(html: str) -> set[str]:
    return {n for n in ("email", "company", "role", "name") if f'name="{n}"' in html}


def test_the_page_renders_the_visitors_variant_and_counts_it_once(form_test):
    shown = {}
    for _ in range(30):
        client, visitor = _browser()
        html = client.get("/resources/ops-guide/").content.decode()
        key = _variant(form_test, visitor)
        assert _inputs(html) == (set(LONG) if key == "long" else {"email"})
        client.get("/resources/ops-guide/")  # a second view: no second exposure
        api = client.get("/api/content/ops-guide/download").json()
        assert api["fields"] == (LONG if key == "long" else ["email"])
        shown[key] = shown.get(key, 0) + 1
    assert set(shown) == {"control", "long"}
    assert Exposure.objects.filter(experiment=form_test).count() == 30
    by_arm = dict(
        Exposure.objects.filter(experiment=form_test)
        .values_list("variant__key")
        .annotate(n=Count("id"))
    )
    assert by_arm == shown


def test_visitors_without_analytics_consent_see_the_form_as_it_is_and_are_not_counted(form_test):
    for _ in range(15):
        client, _visitor = _browser(consent=False)
        html = client.get("/resources/ops-guide/").content.decode()
        assert _inputs(html) == {"email"}
    assert not Exposure.objects.filter(experiment=form_test).exists()


def _visitor_in(exp, key: str, consent: bool = True):
    for _ in range(200):
        client, visitor = _browser(consent)
        if _variant(exp, visitor) == key:
            return client, visitor
    raise AssertionError(f"no visitor fell in {key}")


def test_the_api_requires_the_variants_fields_and_a_lead_captured_counts_for_it(form_test):
    from experiments.selectors import experiment_counts
    from leads.models import Lead

    client, visitor = _visitor_in(form_test, "long")
    client.get("/resources/ops-guide/")
    refused = _post(client, {"email": "long@example.com"})
    assert refused.status_code == 400
    assert set(refused.json()["details"]) == {"company", "role"}
    assert not Lead.objects.filter(email_normalized="long@example.com").exists()
    ok = _post(client, {"email": "long@example.com", "company": "Acme", "role": "CTO"})
    assert ok.status_code == 201, ok.content
    lead = Lead.objects.get(email_normalized="long@example.com")
    assert (lead.company, lead.role) == ("Acme", "CTO")
    counts = {a.key: (a.exposures, a.conversions) for a in experiment_counts(experiment=form_test)}
    assert counts["long"] == (1, 1) and counts["control"] == (0, 0)


def test_a_forged_variant_in_the_body_cannot_make_the_api_take_another_variants_fields(
    form_test,
):
    from leads.models import Lead

    client, visitor = _visitor_in(form_test, "control")
    body = {
        "email": "short@example.com",
        "company": "Forged Ltd",
        "role": "Forged role",
        # What a forger might try: naming the variant or the field set.
        "variant": "long",
        "experiment": "download-fields",
        "fields": LONG,
        "required_fields": LONG,
    }
    ok = _post(client, body)
    assert ok.status_code == 201, ok.content
    lead = Lead.objects.get(email_normalized="short@example.com")
    assert lead.company == "" and lead.role == ""  # the control asks for the email only
    # Nor can a forged em_vid cookie choose a variant: an unsigned value is no visitor.
    forged = Client()
    forged.cookies["em_consent"] = CONSENT
    forged.cookies["em_vid"] = str(uuid.uuid4())
    html = forged.get("/resources/ops-guide/").content.decode()
    assert _inputs(html) == {"email"}
    exposed = Exposure.objects.filter(experiment=form_test)
    assert set(exposed.values_list("variant__key", flat=True)) == {"control"}


def test_ship_makes_the_winning_field_set_the_forms_own(form_test, resource, marketer):
    from content.models import ResourcePage

    experiment_ship(experiment=form_test, variant=form_test.variants.get(key="long"))
    page = ResourcePage.objects.get(pk=resource.pk)
    assert page.required_fields == LONG and page.live
    resolution.invalidate()
    client, _visitor = _browser(consent=False)  # everyone, counted or not
    assert _inputs(client.get("/resources/ops-guide/").content.decode()) == set(LONG)


def test_a_form_test_needs_a_gated_resource_and_known_fields(resource):
    exp = Experiment.objects.create(
        name="Bad", slug="bad-fields", target=Experiment.Target.FORM_FIELDS, page=resource
    )
    Variant.objects.create(experiment=exp, key="control", content="", sort_order=0)
    Variant.objects.create(experiment=exp, key="b", content="email, password", sort_order=1)
    with pytest.raises(ExperimentError, match="unknown field password"):
        experiment_start(experiment=exp)
    exp.page = resource.get_parent()
    exp.save(update_fields=["page"])
    with pytest.raises(ExperimentError, match="gated resource"):
        experiment_start(experiment=exp)
