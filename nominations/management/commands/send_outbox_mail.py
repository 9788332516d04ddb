"""python manage.py send_outbox_mail

Sends the mail still waiting in the outbox (nominations.outbox): what Celery beat does every
minute, for a deployment without a broker (run it from cron, e.g. every 5 minutes).
"""
from django.core.management.base import BaseCommand

from nominations.models import MailStatus, OutboxMail
from nominations.outbox import send_pending


class Command(BaseCommand):
    help = "Gửi các thư đang chờ trong hàng đợi thư / Send the mail waiting in the outbox."

    def handle(self, *args, **options):
        result = send_pending()
        waiting = OutboxMail.objects.filter(status=MailStatus.PENDING).count()
        self.stdout.write(f"Đã gửi {result.sent} thư; {result.failed} thư chưa gửi được; còn {waiting} thư chờ gửi.")
