import pytest

from tests.factories import UserFactory


@pytest.fixture
def writer():
    return UserFactory(role="Writers")


@pytest.fixture
def editor():
    return UserFactory(role="Editors")
