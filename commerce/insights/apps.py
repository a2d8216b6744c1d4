from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "commerce.insights"
    label = "insights"
    verbose_name = "Reports and insights"
