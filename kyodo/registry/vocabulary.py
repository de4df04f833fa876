"""English names of the fixed vocabularies the registry keeps in Japanese (the 20 fields of
the NPO Act), for pages read in English. The Japanese is the law's own wording, in the
database (../shared/domain/npo_fields.csv); the English follows the Cabinet Office's."""

from __future__ import annotations

from django.utils.translation import get_language

ACTIVITY_FIELDS_EN: dict[int, str] = {
    1: "Health, medical care and welfare",
    2: "Social education",
    3: "Community development",
    4: "Tourism",
    5: "Rural and mountain communities",
    6: "Academia, culture, arts and sports",
    7: "Environmental conservation",
    8: "Disaster relief",
    9: "Community safety",
    10: "Human rights and peace",
    11: "International cooperation",
    12: "Gender equality",
    13: "Sound upbringing of children",
    14: "Information society",
    15: "Science and technology",
    16: "Economic activity",
    17: "Job skills and employment",
    18: "Consumer protection",
    19: "Support for civic organisations",
    20: "Activities set by prefectural or city ordinance",
}


def in_english() -> bool:
    return (get_language() or "").startswith("en")


def activity_field_label(number: int, short_name: str) -> str:
    if in_english():
        return ACTIVITY_FIELDS_EN.get(number, short_name)
    return short_name
