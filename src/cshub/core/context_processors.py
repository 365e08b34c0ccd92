from django.conf import settings


def cshub(request):
    return {"demo_mode": settings.CSHUB_DEMO_MODE}
