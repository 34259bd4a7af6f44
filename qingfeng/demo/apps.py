from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data of every app and ``manage.py seed_demo``: an entry point like the
    views, so it may use the domain modules of any app and none of them may use it."""

    name = "qingfeng.demo"
