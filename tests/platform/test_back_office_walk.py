"""Issue 16: a browser walk of the back office as Sales, Marketer and Ops, at desktop
(1366x900) and phone (390x844) sizes — each page answers its role (and refuses the others),
no console error, no sideways scroll on the dashboard on a phone, every booking shows its
time zone's name, and axe-core finds no serious or critical violation on the dashboard and
the admin lead list. Screenshots go to ``$SCREENSHOT_DIR`` (or a temporary directory)."""

from __future__ import annotations

import asyncio
import os
import socket
import threading
import time
from pathlib import Path

import pytest

from tests.platform.back_office_data import seed

ROOT = Path(__file__).resolve().parents[2]
AXE = (ROOT / "tests" / "assets" / "axe.min.js").read_text()
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}
PASSWORD = "pass-1234-word"  # tests.factories.UserFactory


class AsgiServer:
    """uvicorn serving ``ementech.asgi.application`` (HTTP and the dashboard's WebSocket)
    from a thread on a free port: Django's live server speaks no WebSocket."""

    def __init__(self) -> None:
        import uvicorn

        from ementech.asgi import application

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        config = uvicorn.Config(
            application, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off",
            ws="websockets",
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> AsgiServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        assert self.server.started
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def _axe_serious(page) -> list[str]:
    page.evaluate(AXE)
    return page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']});
            return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
        }"""
    )


def _expectations(data: dict) -> dict[str, list[tuple[str, str, int]]]:
    """Per role: (name, path, expected status) — refusals included."""
    lead, conversation = data["lead"], data["conversation"]
    pages = {
        "leads": "/admin/leads/lead/",
        "lead": f"/admin/leads/lead/{lead.pk}/change/",
        "conversation": f"/admin/chat/conversation/{conversation.pk}/change/",
        "bookings": "/admin/chat/demobooking/",
        "dashboard": "/dashboard/",
        "cms": "/cms/",
    }
    sales = {"cms": 302}  # Wagtail sends users without CMS access to its login page
    marketer = {"leads": 403, "lead": 403, "conversation": 403, "bookings": 403, "dashboard": 403}
    ops: dict[str, int] = {}  # ops read everything
    return {
        role: [(name, path, overrides.get(name, 200)) for name, path in pages.items()]
        for role, overrides in (("sales", sales), ("marketer", marketer), ("ops", ops))
    }


def _login(page, base: str, username: str) -> str:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    return page.url.removeprefix(base)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", SIZES)
def test_back_office_walk(browser, size, tmp_path, sales_user, marketer, ops_user):
    data = seed(sales_user=sales_user)
    with AsgiServer() as server:
        problems = _walk(server.url, browser, size, tmp_path, data,
                         {"sales": sales_user, "marketer": marketer, "ops": ops_user})  # fmt: skip
    assert not problems, "\n".join(problems)


def _walk(base: str, browser, size: str, tmp_path: Path, data: dict, users: dict) -> list[str]:
    shots = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    width, height = SIZES[size]
    landing = {"sales": "/dashboard/", "marketer": "/cms/", "ops": "/admin/"}
    problems: list[str] = []
    for role, visits in _expectations(data).items():
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda m, errors=errors, page=page: (
                errors.append(f"{page.url}: {m.text}") if m.type == "error" else None
            ),
        )
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        landed = _login(page, base, users[role].username)
        if landed != landing[role]:
            problems.append(f"{role} landed on {landed}, not {landing[role]}")
        for name, path, expected in visits:
            response = page.goto(base + path)
            chain = [response.status]
            request = response.request.redirected_from
            while request is not None:  # the first hop is what the server answered
                chain.insert(0, request.response().status)
                request = request.redirected_from
            if chain[0] != expected:
                problems.append(f"{role} {path}: {chain[0]} (expected {expected})")
            if expected != 200:
                # A refusal is expected here, and the browser logs it as a failed resource.
                errors[:] = [e for e in errors if "status of 403" not in e]
                continue
            page.wait_for_timeout(150)
            page.screenshot(path=str(shots / f"{size}-{role}-{name}.png"))
            if name == "dashboard":
                overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
                if size == "phone" and overflow > 0:
                    problems.append(f"{role} dashboard scrolls sideways by {overflow}px")
            if name == "bookings":
                rows = page.locator("#result_list tbody tr, table tbody tr").all_inner_texts()
                rows = [r for r in rows if "Dec" in r or "Jan" in r or "EAT" in r] or rows
                if not rows or not all(" EAT" in r for r in rows):
                    problems.append(f"{role} bookings without the zone name: {rows[:2]}")
            if name == "lead" and not page.locator("#lead-timeline").count():
                problems.append(f"{role} lead page without its timeline")
            if name == "conversation" and not page.locator(".chat-transcript").count():
                problems.append(f"{role} conversation without its transcript")
            if role == "sales" and name in {"dashboard", "leads"}:
                problems += [f"{role} {path}: {v}" for v in _axe_serious(page)]
        problems += [f"{role} console: {e}" for e in errors]
        context.close()
    return problems
