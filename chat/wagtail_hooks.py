"""Wagtail admin for marketers: the unanswered-question report (questions the assistant
could not answer, grouped by meaning, with counts and example wordings) and one click to
answer a group as an FAQ, which feeds the knowledge base."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from chat import unanswered

PERMISSION = "content.add_faq"


def unanswered_report(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        ids = [i for i in request.POST.getlist("ids") if i]
        question = (request.POST.get("question") or "").strip()
        answer = (request.POST.get("answer") or "").strip()
        if not ids or not question or not answer:
            messages.error(request, "Write the question and its answer.")
        else:
            faq = unanswered.question_answer_as_faq(
                question_ids=ids, question=question, answer=answer
            )
            messages.success(request, f"Published the FAQ “{faq.question}”.")
        return redirect("chat_unanswered")
    groups = unanswered.question_groups()
    return TemplateResponse(
        request, "chat/admin/unanswered.html", {"groups": groups, "page_title": "Unanswered"}
    )


@hooks.register("register_admin_urls")
def register_urls():
    return [path("chat/unanswered/", unanswered_report, name="chat_unanswered")]


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(PERMISSION)


@hooks.register("register_reports_menu_item")
def register_menu_item():
    return ReportMenuItem(
        "Unanswered questions", reverse("chat_unanswered"), icon_name="help", order=900
    )
