import cProfile, pstats, io, os
import pytest
from django.urls import reverse
from nominations.simulation import simulate_round
from tests.reports.builders import add_copies
from tests.reports.conftest import make_report_world
from nominations.models import Nomination

pytestmark = [pytest.mark.django_db]

def test_profile(client):
    world = make_report_world()
    simulate_round(round_=world.round, nominations=100, seed=7, leave_share=0.35, return_share=0.1)
    add_copies(world.round, int(os.environ.get("N", "10000")) - Nomination.objects.filter(round=world.round).count(), seed=1)
    url = os.environ.get("URL_NAME", "review_queue")
    user = world.users[os.environ.get("USER_KEY", "stage:2")]
    args = (world.round.pk, 2) if url == "review_queue" else (world.round.pk,)
    client.force_login(user)
    u = reverse(url, args=args) if url != "home" else reverse("home")
    client.get(u)
    pr = cProfile.Profile(); pr.enable()
    for _ in range(3):
        client.get(u)
    pr.disable()
    s = io.StringIO(); pstats.Stats(pr, stream=s).sort_stats("cumulative").print_stats(r"wt-perf|crispy|templatetags|paginator", 40); print(s.getvalue()[:12000])
