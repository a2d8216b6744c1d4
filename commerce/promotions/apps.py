from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "commerce.promotions"
    label = "promotions"
    verbose_name = "Promotions"
