import pytest
from django.core import checks

from events.ics import DEFAULT_UID_DOMAIN


def deploy_warnings():
    return [
        message.id
        for message in checks.run_checks(include_deployment_checks=True)
        if message.level >= checks.WARNING
    ]


@pytest.mark.parametrize("domain", ["", DEFAULT_UID_DOMAIN])
def test_deploy_check_warns_while_the_uid_domain_is_the_default(settings, domain):
    settings.EVENTS_UID_DOMAIN = domain
    assert "events.W001" in deploy_warnings()
    # Only a deployment is told: development runs with the default.
    assert "events.W001" not in [message.id for message in checks.run_checks()]


def test_deploy_check_is_quiet_once_the_office_sets_its_domain(settings):
    settings.EVENTS_UID_DOMAIN = "events.cheongju.example"
    assert "events.W001" not in deploy_warnings()
