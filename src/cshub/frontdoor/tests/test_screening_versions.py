import pytest
from django.contrib.admin.sites import AdminSite
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

from cshub.frontdoor.admin import ScreeningToolAdmin
from cshub.frontdoor.models import ScreeningTool


def _request():
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.mark.django_db
def test_copy_makes_a_new_version_and_make_current_switches_it():
    admin = ScreeningToolAdmin(ScreeningTool, AdminSite())
    v1 = ScreeningTool.objects.get(version=1)
    admin.copy_as_new_version(_request(), ScreeningTool.objects.filter(pk=v1.pk))
    v2 = ScreeningTool.objects.get(version=2)
    assert not v2.is_current
    assert v2.indicators.count() == v1.indicators.count() == 27
    admin.make_current(_request(), ScreeningTool.objects.filter(pk=v2.pk))
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert v2.is_current and not v1.is_current
    assert ScreeningTool.objects.filter(is_current=True).count() == 1
