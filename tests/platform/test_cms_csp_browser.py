"""The Wagtail admin (/cms/) under the site's Content-Security-Policy, in a browser: a
marketer opens the experiment snippet's page chooser, picks a page and it is chosen; adds a
variant (InlinePanel); on a blog page adds a StreamField block and opens the image chooser.
No console error may mention the Content Security Policy (it used to block every chooser's
inline start-up script). Screenshots at 1366x900 and 390x844 go to ``$SCREENSHOT_DIR``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.platform.test_back_office_walk import SIZES, AsgiServer, _login


def _csp_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if "Content Security Policy" in e]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", SIZES)
def test_marketer_uses_the_cms_choosers(browser, size, tmp_path, marketer, demo_site):
    from wagtail.models import Page

    home = Page.objects.get(depth=2)
    blog = Page.objects.type(Page).filter(title__icontains="RAG").first()
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    with AsgiServer() as server:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "response",
            lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        _login(page, server.url, marketer.username)

        # The experiment snippet: Wagtail's page chooser modal, then InlinePanel's "add".
        page.goto(server.url + "/cms/snippets/experiments/experiment/add/")
        page.locator("#id_page-chooser [data-chooser-action-choose]").click()
        page.locator(f'.modal-content a.choose-page[data-id="{home.pk}"]').click()
        page.locator(".modal-content").wait_for(state="hidden")
        assert page.locator("#id_page").input_value() == str(home.pk)
        assert home.title in page.locator("#id_page-chooser").inner_text()
        page.screenshot(path=str(shots / f"cms-{size}-experiment-chooser.png"), full_page=True)
        forms = page.locator("#id_variants-TOTAL_FORMS")
        before = int(forms.input_value())
        page.locator("#id_variants-ADD").click()
        assert int(forms.input_value()) == before + 1

        # A blog page: StreamField "add block", then the cover image chooser.
        page.goto(server.url + f"/cms/pages/{blog.pk}/edit/")
        page.screenshot(path=str(shots / f"cms-{size}-page-edit.png"))
        blocks = page.locator("[data-streamfield-child]").count()
        page.locator("button[title='Insert a block']").last.click()
        page.locator(".w-combobox [role=option]", has_text="Quote").first.click()
        page.wait_for_function(
            f"document.querySelectorAll('[data-streamfield-child]').length > {blocks}"
        )
        page.locator("#id_cover_image-chooser [data-chooser-action-choose]").click()
        page.locator(".modal-content a.image-choice").first.wait_for()
        page.screenshot(path=str(shots / f"cms-{size}-image-chooser.png"))
        page.locator(".modal-content a.image-choice").first.click()
        page.locator(".modal-content").wait_for(state="hidden")
        assert page.locator("#id_cover_image").input_value()
        context.close()
    assert not _csp_errors(errors), "\n".join(errors)
    # The test server (uvicorn, DEBUG off) serves no /media/: the image thumbnails 404 here.
    media_404 = [e for e in errors if e.startswith("404 ") and "/media/" in e]
    console_404 = [e for e in errors if "status of 404" in e]
    others = [e for e in errors if e not in media_404 and e not in console_404]
    assert len(console_404) <= len(media_404), "\n".join(errors)
    assert not others, "\n".join(others)
