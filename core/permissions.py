"""API permission classes shared by every app (one base class, not per-view checks), and
the two role questions the rest of the code asks: is this user Sales, is it read-only."""

from rest_framework.permissions import SAFE_METHODS, BasePermission, DjangoModelPermissions

SALES_ROLE = "Sales"
READ_ONLY_ROLE = "Ops"


def _role_names(user) -> set[str]:
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.pk else set()
        user._role_names = cached
    return cached


def is_sales(user) -> bool:
    """Active staff with the Sales role (or superusers): the only users who see chats,
    hand-offs and the live staff feeds."""
    if not (user and user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or SALES_ROLE in _role_names(user)


def is_read_only(user) -> bool:
    """Ops users without another role: they may read, never write (API and admin)."""
    if not (user and user.is_authenticated) or user.is_superuser:
        return False
    roles = _role_names(user)
    return READ_ONLY_ROLE in roles and roles <= {READ_ONLY_ROLE}


class IsStaff(BasePermission):
    """Authenticated staff users (session or token). The default for every API view.
    Read-only users (Ops) are refused every unsafe method, whatever their permissions."""

    message = "Staff credentials are required."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_staff and user.is_active):
            return False
        if request.method not in SAFE_METHODS and is_read_only(user):
            self.message = "This role is read-only."
            return False
        return True


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
