"""A marketer creates and starts a nurture email subject test and a form field set test
in Wagtail, in Chromium, at desktop (1366x900) and phone (390x844) sizes: the step is
picked from a list, the gated resource in Wagtail's page chooser, and each test starts
from its read-out page (which must not scroll sideways on a phone)."""

from __future__ import annotations

import pytest

from tests.experiments.test_browser_experiment import SIZES, _login

pytestmark = pytest.mark.browser


def _create(page, base: str, fields: dict, variants: list[tuple[str, str]]) -> None:
    page.goto(base + "/cms/experiments/")
    page.get_by_role("link", name="New experiment").click()
    for selector, value in fields.items():
        if selector in ("#id_target", "#id_goal", "#id_sequence_step"):
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    for i, (key, content) in enumerate(variants):
        page.fill(f"#id_variants-{i}-key", key)
        page.fill(f"#id_variants-{i}-content", content)
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Save").first.click()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", SIZES)
def test_marketer_creates_and_starts_email_and_form_tests(live_server, browser, marketer, size):
    from experiments.models import Experiment
    from nurture.models import Sequence, SequenceStep
    from tests.experiments.test_form_fields import make_resource

    seq = Sequence.objects.create(slug="welcome", name="Welcome", trigger="manual")
    step = SequenceStep.objects.create(
        sequence=seq, position=1, delay_hours=0, template="nurture_generic", subject="Hello"
    )
    gated = make_resource()
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    base = live_server.url
    _login(page, base, marketer.username)

    _create(
        page,
        base,
        {
            "#id_name": "Welcome subject",
            "#id_slug": "welcome-subject",
            "#id_target": "email_subject",
            "#id_sequence_step": str(step.pk),
            "#id_goal": "qualified",
        },
        [("control", ""), ("b", "Three automations for ops")],
    )
    exp = Experiment.objects.get(slug="welcome-subject")
    assert exp.sequence_step_id == step.pk and exp.variants.count() == 2
    page.goto(base + f"/cms/experiments/{exp.pk}/")
    page.get_by_role("button", name="Start test").click()
    page.wait_for_selector(".experiment-readout[data-status=running]")
    assert "Welcome #1" in page.locator(".experiment-readout").inner_text()

    _create(
        page,
        base,
        {
            "#id_name": "Download fields",
            "#id_slug": "download-fields",
            "#id_target": "form_fields",
            "#id_goal": "lead_captured",
        },
        [("control", ""), ("long", "email, company, role")],
    )
    form_exp = Experiment.objects.get(slug="download-fields")
    # The page is chosen in Wagtail's page chooser (a modal).
    page.goto(base + f"/cms/snippets/experiments/experiment/edit/{form_exp.pk}/")
    page.locator("#id_page-chooser [data-chooser-action-choose]").click()
    page.locator(".modal-content input[name=q]").fill("Ops Automation")
    page.locator(f'.modal-content a.choose-page[data-id="{gated.pk}"]').click()
    page.locator(".modal-content").wait_for(state="hidden")
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Save").first.click()
    form_exp.refresh_from_db()
    assert form_exp.page_id == gated.pk
    page.goto(base + f"/cms/experiments/{form_exp.pk}/")
    page.get_by_role("button", name="Start test").click()
    page.wait_for_selector(".experiment-readout[data-status=running]")
    if size == "phone":
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the read-out scrolls sideways by {overflow}px"
    assert not errors, errors
    context.close()
