from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "zhengtong.api"
    label = "api"
    verbose_name = "API"
