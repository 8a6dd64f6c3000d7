from django.apps import AppConfig


class ProConnectConfig(AppConfig):
    name = "curiouslab.proconnect"
    label = "proconnect"
    verbose_name = "ProConnect"
