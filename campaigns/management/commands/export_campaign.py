from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.services.campaign_files import campaign_yaml


class Command(BaseCommand):
    help = (
        "Xuất quy định của một phong trào ra tệp YAML theo định dạng campaigns/data/ "
        "(nạp lại bằng load_campaigns <tệp>)."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã phong trào")
        parser.add_argument("--out", help="Tệp ghi ra (mặc định: in ra màn hình)")

    def handle(self, *args, code, out=None, **options):
        campaign = Campaign.objects.filter(code=code).select_related("issuer", "territory").first()
        if campaign is None:
            raise CommandError(f"Không có phong trào mã '{code}'. Dùng 'campaign_rules --list' để xem các mã.")
        text = campaign_yaml(campaign)
        if not out:
            self.stdout.write(text, ending="")
            return
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Không ghi được tệp '{out}': {error.strerror or error}") from error
        self.stdout.write(self.style.SUCCESS(f"Đã xuất phong trào '{code}' ra {out}."))
