from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "kyodo.projects"
    label = "projects"
    verbose_name = "協働事業の実施（事業・協定書）"
