"""Wagtail admin for marketers: newsletters, issues (composed with a StreamField) and
nurture sequences with their steps, under one "Nurture" menu group."""

from __future__ import annotations

from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from nurture.models import Newsletter, NewsletterIssue, Sequence


class NewsletterViewSet(SnippetViewSet):
    model = Newsletter
    icon = "mail"
    list_display = ["name", "frequency", "is_active"]
    menu_label = "Newsletters"


class NewsletterIssueViewSet(SnippetViewSet):
    model = NewsletterIssue
    icon = "doc-full"
    list_display = ["subject", "newsletter", "status", "send_at", "sent_at"]
    list_filter = ["newsletter", "status"]
    menu_label = "Newsletter issues"


class SequenceViewSet(SnippetViewSet):
    model = Sequence
    icon = "repeat"
    list_display = ["name", "trigger", "is_active"]
    menu_label = "Nurture sequences"


class NurtureGroup(SnippetViewSetGroup):
    items = (NewsletterViewSet, NewsletterIssueViewSet, SequenceViewSet)
    menu_icon = "mail"
    menu_label = "Nurture"
    menu_name = "nurture"


register_snippet(NurtureGroup)
