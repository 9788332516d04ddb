"""Flag generated documents as stale when the data behind them changes.

The flag is a cheap hint (one UPDATE); the truth is the fingerprint comparison in
services.refresh_staleness, which the pages and the verification page run for what they show.
Bulk writes (QuerySet.update, bulk_create) send no signals: the fingerprint still catches them.
"""
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from nominations.models import AwardDecision, CouncilMeeting, CouncilVote, CriterionValue, Evidence, Nomination, Registration


def _mark(**kwargs):
    from dossiers.services import mark_stale

    mark_stale(**kwargs)


@receiver([post_save, post_delete], sender=Nomination, dispatch_uid="dossiers_stale_nomination")
def nomination_changed(sender, instance, **kwargs):
    _mark(round_id=instance.round_id, nomination_id=instance.pk)


@receiver([post_save, post_delete], sender=CriterionValue, dispatch_uid="dossiers_stale_value")
@receiver([post_save, post_delete], sender=Evidence, dispatch_uid="dossiers_stale_evidence")
def nomination_detail_changed(sender, instance, **kwargs):
    nomination = Nomination.objects.filter(pk=instance.nomination_id).values_list("round_id", flat=True).first()
    _mark(round_id=nomination, nomination_id=instance.nomination_id)


@receiver([post_save, post_delete], sender=CouncilMeeting, dispatch_uid="dossiers_stale_meeting")
@receiver([post_save, post_delete], sender=AwardDecision, dispatch_uid="dossiers_stale_decision")
@receiver([post_save, post_delete], sender=Registration, dispatch_uid="dossiers_stale_registration")
def round_data_changed(sender, instance, **kwargs):
    from dossiers.models import GeneratedDocument

    _mark(round_id=instance.round_id)
    # Reports show the council's vote and the pledge: flag the round's reports too.
    GeneratedDocument.objects.filter(round_id=instance.round_id, nomination__isnull=False, status="done", is_stale=False).update(is_stale=True)


@receiver([post_save, post_delete], sender=CouncilVote, dispatch_uid="dossiers_stale_vote")
def vote_changed(sender, instance, **kwargs):
    round_id = Nomination.objects.filter(pk=instance.nomination_id).values_list("round_id", flat=True).first()
    _mark(round_id=round_id, nomination_id=instance.nomination_id)
