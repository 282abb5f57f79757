import pytest

from portal.blocks.roles import EDITOR, PUBLISHER
from tests.portal.admin_helpers import make_staff_user


@pytest.fixture
def make_staff(django_user_model):
    def make(role, username=None):
        return make_staff_user(django_user_model, role, username)

    return make


@pytest.fixture
def editor(make_staff):
    return make_staff(EDITOR)


@pytest.fixture
def publisher(make_staff):
    return make_staff(PUBLISHER)
