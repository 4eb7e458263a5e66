"""Routes of the live sales dashboard (staff)."""

urlpatterns: list = []
