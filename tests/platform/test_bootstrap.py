"""After a flush (as after a transactional test) the Wagtail tree is back, so later tests
and ``load_demo`` find a root page."""

import pytest
from django.core.management import call_command
from wagtail.models import Collection, Locale, Page


@pytest.mark.django_db(transaction=True)
def test_flush_restores_wagtail_root_and_roles():
    call_command("flush", interactive=False, verbosity=0)
    assert Page.objects.filter(depth=1).count() == 1
    assert Collection.objects.filter(depth=1).count() == 1
    assert Locale.objects.exists()
    call_command("load_demo", verbosity=0)
    assert Page.objects.get(slug="home").live
