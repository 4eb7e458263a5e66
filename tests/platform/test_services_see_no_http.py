"""Services never see HTTP (issue 12): no function in ``<app>/services.py`` or
``<app>/services/*.py`` takes a ``request`` parameter (an ``HttpRequest``; a parameter
annotated with a domain type such as privacy's ``DataRequest`` is not one), and none names
an HTTP status (``status_code=`` or ``rest_framework.status``). Views, consumers and tasks
hand services what they need; errors are ``core.errors.ApplicationError`` with a code.

Services get the caller's ``core.context.RequestContext`` (``ctx``) instead. ``NOT_CONVERTED``
listed the functions that still took ``request``; it is empty now and may not grow. The
check also runs on a planted module, so it cannot pass by reading nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.platform.source_tree import ROOT, first_party_files, parsed, relative

# Functions still taking an HttpRequest ``request`` (file: names). Empty: every service
# takes a ``core.context.RequestContext`` (``ctx``) instead; a new one fails the test.
NOT_CONVERTED: dict[str, set[str]] = {}
DOMAIN_TYPES = {"DataRequest"}  # a `request` of these types is a domain object


def is_service_module(path: Path, root: Path = ROOT) -> bool:
    parts = path.relative_to(root).parts
    return (len(parts) == 2 and parts[1] == "services.py") or (
        len(parts) == 3 and parts[1] == "services"
    )


def _annotation(arg: ast.arg) -> str:
    return ast.unparse(arg.annotation) if arg.annotation is not None else ""


def http_in_services(root: Path = ROOT) -> tuple[dict[str, set[str]], list[str]]:
    """``({file: {function taking request}}, [status-code uses])`` of the services."""
    takes_request: dict[str, set[str]] = {}
    statuses: list[str] = []
    for path in first_party_files(root):
        if not is_service_module(path, root):
            continue
        name = relative(path, root)
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                    if arg.arg == "request" and not any(
                        t in _annotation(arg) for t in DOMAIN_TYPES
                    ):
                        takes_request.setdefault(name, set()).add(node.name)
            elif isinstance(node, ast.keyword) and node.arg == "status_code":
                statuses.append(f"{name}:{node.lineno} status_code=")
            elif (
                isinstance(node, ast.ImportFrom)
                and node.module == "rest_framework"
                and any(a.name == "status" for a in node.names)
            ):
                statuses.append(f"{name}:{node.lineno} rest_framework.status")
    return takes_request, statuses


def test_services_take_no_request_and_name_no_status():
    takes_request, statuses = http_in_services()
    new = {
        f: sorted(fns - NOT_CONVERTED.get(f, set()))
        for f, fns in takes_request.items()
        if fns - NOT_CONVERTED.get(f, set())
    }
    assert new == {}, "services taking request: pass them what they need instead"
    assert statuses == []
    converted = {
        f: sorted(fns - takes_request.get(f, set()))
        for f, fns in NOT_CONVERTED.items()
        if fns - takes_request.get(f, set())
    }
    assert converted == {}, "converted: remove these from NOT_CONVERTED"


def test_the_check_finds_a_planted_request_parameter(tmp_path):
    app = tmp_path / "shop" / "services"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "orders.py").write_text(
        "def order_place(*, cart, request=None):\n"
        "    return cart\n\n"
        "def order_link(*, request: 'DataRequest'):\n"
        "    return request\n\n"
        "def order_refuse():\n"
        "    raise Refused('no', status_code=409)\n"
    )
    takes_request, statuses = http_in_services(tmp_path)
    assert takes_request == {"shop/services/orders.py": {"order_place"}}
    assert statuses == ["shop/services/orders.py:8 status_code="]
