"""The three staff roles and their permissions, installed idempotently.

- **Marketers**: the Wagtail admin, every page, image, document and snippet; no personal
  data: no default permission on any model of the privacy registry (outbox, subscribers,
  enrolments, exit-offer events, conversations, leads, registrations...).
- **Sales**: leads, conversations, registrations and their emails; no site settings.
- **Ops**: read-only on everything plus the Wagtail admin, for the operational commands;
  ``core.permissions.IsStaff`` refuses every unsafe API method to a read-only user.

Permissions are listed per app label, so models added later are covered on the next
``migrate`` (or ``manage.py setup_roles``).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q

MARKETERS, SALES, OPS = "Marketers", "Sales", "Ops"

# app_label -> actions (None = all actions, including custom permissions)
ROLE_APP_PERMISSIONS: dict[str, dict[str, tuple[str, ...] | None]] = {
    MARKETERS: {
        "content": None,
        "events": ("add", "change", "delete", "view"),
        "wagtailimages": None,
        "wagtaildocs": None,
        "wagtailforms": None,
        "wagtailredirects": None,
        "taggit": None,
        "wagtailsearch": ("view",),
        "mail": None,
        "nurture": None,
        "tools": ("view",),
        "experiments": None,
    },
    SALES: {
        "leads": None,
        "chat": None,
        "events": ("view", "change"),
        "analytics": ("view",),
        "privacy": ("view", "add"),
        "scoring": None,
        "mail": ("view",),
        "predictions": None,
        "nurture": ("view",),
        "tools": ("view",),
    },
    OPS: {},
}
# Models of an app that a role must not get even though the app is listed.
ROLE_EXCLUDED_MODELS: dict[str, set[str]] = {
    # Registrations and attendance logs hold lead data: Sales, not Marketers.
    MARKETERS: {
        "eventregistration",
        "attendanceimport",
        # tools: results are lead data (inferences live in leads, Sales' app).
        "toolresult",
    },
    SALES: set(),
}
EXTRA_PERMISSIONS: dict[str, tuple[str, ...]] = {
    MARKETERS: ("wagtailadmin.access_admin",),
    SALES: ("privacy.export_personal_data", "privacy.erase_personal_data"),
    OPS: ("wagtailadmin.access_admin",),
}
PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
COLLECTION_PERMISSIONS = (
    "add_image",
    "change_image",
    "choose_image",
    "delete_image",
    "add_document",
    "change_document",
    "choose_document",
    "delete_document",
)


def personal_data_models() -> set[tuple[str, str]]:
    """``(app_label, model_name)`` of every model that holds personal data (the privacy
    registry, plus proxies of those models)."""
    from django.apps import apps

    from privacy.facade import personal_data_labels

    personal: set[tuple[str, str]] = set()
    for label in personal_data_labels():
        app_label, _, name = label.partition(".")
        personal.add((app_label.lower(), name.lower()))
    for model in apps.get_models():
        concrete = model._meta.concrete_model
        if (concrete._meta.app_label, concrete._meta.model_name) in personal:
            personal.add((model._meta.app_label, model._meta.model_name))
    return personal


_DEFAULT_ACTIONS = ("add", "change", "delete", "view")


def _is_default_permission_on(perm: Permission, models: set[tuple[str, str]]) -> bool:
    model = perm.content_type.model
    return (perm.content_type.app_label, model) in models and perm.codename in {
        f"{action}_{model}" for action in _DEFAULT_ACTIONS
    }


def _permissions_for(role: str) -> list[Permission]:
    query = Q(pk__in=[])
    for app_label, actions in ROLE_APP_PERMISSIONS[role].items():
        app_q = Q(content_type__app_label=app_label)
        if actions is not None:
            action_q = Q()
            for action in actions:
                action_q |= Q(codename__startswith=f"{action}_")
            app_q &= action_q
        query |= app_q
    if role == OPS:
        query |= Q(codename__startswith="view_")
    for dotted in EXTRA_PERMISSIONS[role]:
        app_label, codename = dotted.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    perms = Permission.objects.filter(query).select_related("content_type")
    excluded = ROLE_EXCLUDED_MODELS.get(role, set())
    personal = personal_data_models() if role == MARKETERS else set()
    return [
        p
        for p in perms
        if p.content_type.model not in excluded and not _is_default_permission_on(p, personal)
    ]


def _grant_wagtail_tree(group: Group) -> None:
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    if root_page is not None:
        for codename in PAGE_PERMISSIONS:
            perm = Permission.objects.filter(
                content_type__app_label="wagtailcore", codename=codename
            ).first()
            if perm:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=perm
                )
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for codename in COLLECTION_PERMISSIONS:
            perm = Permission.objects.filter(codename=codename).first()
            if perm:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=perm
                )


@transaction.atomic
def roles_setup() -> dict[str, int]:
    """Create or refresh the role groups; returns the permission count per group."""
    counts: dict[str, int] = {}
    for role in (MARKETERS, SALES, OPS):
        group, _ = Group.objects.get_or_create(name=role)
        perms = _permissions_for(role)
        group.permissions.set(perms)
        if role == MARKETERS:
            _grant_wagtail_tree(group)
        counts[role] = len(perms)
    return counts


def ensure_roles_after_migrate(sender, **kwargs) -> None:
    """post_migrate hook: refresh roles once the last app has migrated."""
    if getattr(sender, "label", "") != "core":
        return
    from core.bootstrap import wagtail_tree_ensure

    wagtail_tree_ensure()
    roles_setup()
