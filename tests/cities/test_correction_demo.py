"""The demo has a partner city's correction waiting for review, in both languages."""

import pytest

from cities import correction_demo, demo
from cities.corrections import InvitationStep, ProfileProposal, ProposalState

pytestmark = pytest.mark.django_db


def load(home):
    demo.load(home=home, log=lambda message: None)
    correction_demo.load(log=lambda message: None)


def test_the_demo_has_a_correction_from_limoges_waiting_for_review():
    load("icheon")
    proposal = ProfileProposal.objects.get()
    assert proposal.city.slug == "limoges" and proposal.state == ProposalState.PENDING
    assert "Icheon and Limoges sister-city agreement" in proposal.values["summary_en"]
    assert "이천–리모주 자매도시 협정" in proposal.values["summary_ko"]
    steps = list(proposal.invitation.events.values_list("step", flat=True))
    assert steps == [InvitationStep.INVITED, InvitationStep.OPENED, InvitationStep.PROPOSED]
    # Loading again adds nothing.
    correction_demo.load(log=lambda message: None)
    assert ProfileProposal.objects.count() == 1
    assert proposal.invitation.events.count() == 3


def test_a_home_city_without_partners_gets_no_correction():
    load("cheongju")
    assert not ProfileProposal.objects.exists()
