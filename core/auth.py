"""allauth adapter: staff log in through allauth, but nobody signs up publicly."""

from allauth.account.adapter import DefaultAccountAdapter


class StaffOnlyAccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return False
