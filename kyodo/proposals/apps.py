from django.apps import AppConfig


class ProposalsConfig(AppConfig):
    name = "kyodo.proposals"
    label = "proposals"
    verbose_name = "協働事業の相談・提案"
