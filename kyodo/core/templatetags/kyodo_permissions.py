from typing import Any

from django import template

from kyodo.core.permissions import Decision, check

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context: template.Context, name: str, obj: Any = None) -> Decision:
    """{% allowed "registry.edit_group" group as can_edit %} — the same predicate the view uses."""
    return check(name, context["request"].user, obj)
