"""Fixtures of the demo app's tests: a seed round with no participants (a simulation makes its own)."""
import pytest

from campaigns.models import Round
from campaigns.services.loading import DATA_DIR, load_campaign_files


@pytest.fixture
def nt_round(db):
    """The Ninh Thuận 2024 round from its data file, with no participants."""
    load_campaign_files([DATA_DIR / "reference.yaml", DATA_DIR / "ninh-thuan-2024.yaml"])
    return Round.objects.get(campaign__code="ninh-thuan-2024", code="nam-2024")
