"""The directory's group cards are written in Python (kyodo/registry/cards.py) rather than by
a template loop; what they write is, byte for byte, what that loop wrote, in Japanese and in
English, hostile names and long summaries included."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from kyodo.registry import cards, selectors
from kyodo.registry.models import CivicGroup, LegalForm
from tests import factories

# The loop as registry/directory.html had it before kyodo/registry/cards.py.
TEMPLATE_CARDS = """{% load japan i18n %}{% for g in page %}
  <li class="group-card">
    <h2 class="group-card__name"><a href="{% url 'registry:group_detail' g.pk %}">{{ g.name }}</a></h2>
    <p class="group-card__kana">{{ g.name_kana|furigana }}</p>
    <p class="group-card__meta">{{ g.get_legal_form_display }}{% if g.area %} ／ {{ g.area.name }}{% endif %}</p>
    <ul class="tags" aria-label="{% translate '活動分野' %}">{% for f in g.fields.all %}<li>{{ f.label }}</li>{% endfor %}</ul>
    {% if "activities" in g.public_items and g.activities %}<p class="group-card__summary">{{ g.activities|truncatechars:90 }}</p>{% endif %}
  </li>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ja", "en"])
def test_it_writes_the_cards_the_template_wrote(db: None, language: str) -> None:
    factories.CivicGroupFactory(
        registered=True,
        name='<script>alert("x")</script>&\'の会 🌸',
        name_kana="ｶﾏｸﾗ ﾉ ｶｲ",
        with_fields=[13, 2],
    )
    factories.CivicGroupFactory(
        registered=True,
        legal_form=LegalForm.NPO,
        area=None,
        activities="長い説明" * 40 + "<b>&</b>",
        with_fields=[],
    )
    factories.CivicGroupFactory(
        registered=True, public_items=[], activities="公開しない活動", with_fields=[20]
    )
    factories.CivicGroupFactory(registered=True, activities="", with_fields=[1])
    groups = list(
        CivicGroup.objects.select_related("area").prefetch_related("fields").order_by("pk")
    )
    with translation.override(language):
        written = cards.group_cards(groups, selectors.field_labels_of(groups))
        assert written == engines["django"].from_string(TEMPLATE_CARDS).render({"page": groups})
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#x27;の会 🌸" in written
    assert "公開しない活動" not in written
