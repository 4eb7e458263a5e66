"""``manage.py create_api_token USERNAME``: print the user's DRF token (created if needed)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Print an API token for a staff user (Authorization: Token <key>)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace an existing token.")

    def handle(self, *args, username: str, rotate: bool, **options) -> None:
        User = get_user_model()
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"No user named {username!r}.") from exc
        if not user.is_staff or not user.is_active:
            raise CommandError(f"{username!r} is not an active staff user; tokens are for staff.")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
