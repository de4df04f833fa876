from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "kyodo.evaluation"
    label = "evaluation"
    verbose_name = "協働事業の評価と継続（目標・評価・相互評価会議・次年度予算）"
