from __future__ import annotations

import pytest

from kyodo.accounts.models import User
from tests.surveys.builders import RESPONDENTS, Built, build_questionnaire, key_all


@pytest.fixture
def civic(office_staff: User) -> Built:
    built = build_questionnaire(office_staff)
    key_all(office_staff, built.edition, RESPONDENTS)
    return built
