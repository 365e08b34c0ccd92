from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "cshub.insights"
    label = "insights"
    verbose_name = "KPIs and insights"
