"""API permission classes shared by every app (one base class, not per-view checks)."""

from rest_framework.permissions import BasePermission, DjangoModelPermissions


class IsStaff(BasePermission):
    """Authenticated staff users (session or token). The default for every API view."""

    message = "Staff credentials are required."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_staff and user.is_active)


class StaffModelPermissions(DjangoModelPermissions):
    """Staff with the model permission for the HTTP method (view for reads)."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request, view) -> bool:
        return IsStaff().has_permission(request, view) and super().has_permission(request, view)


class HasPerm(BasePermission):
    """Staff holding one named permission; use as ``HasPerm.of("leads.export_lead")``."""

    perm = ""

    @classmethod
    def of(cls, perm: str) -> type["HasPerm"]:
        return type(f"HasPerm_{perm.replace('.', '_')}", (cls,), {"perm": perm})

    def has_permission(self, request, view) -> bool:
        return IsStaff().has_permission(request, view) and request.user.has_perm(self.perm)
