"""Operations routes (none public yet; the health check lives at the project root)."""

urlpatterns: list = []
