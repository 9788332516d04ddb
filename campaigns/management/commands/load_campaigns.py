from django.core.management.base import BaseCommand, CommandError

from campaigns.services.loading import CampaignDataError, load_campaign_files


class Command(BaseCommand):
    help = "Nạp quy định của các phong trào từ tệp dữ liệu (campaigns/data/*.yaml). Chạy lại không thay đổi gì."

    def add_arguments(self, parser):
        parser.add_argument(
            "files", nargs="*", help="Các tệp cần nạp (mặc định: reference.yaml và mọi tệp phong trào trong campaigns/data/)."
        )
        parser.add_argument(
            "--overwrite", action="store_true",
            help="Ghi đè cả phong trào đã được sửa trên cổng (mặc định: từ chối, để không mất sửa đổi).",
        )

    def handle(self, *args, files, overwrite=False, **options):
        try:
            report = load_campaign_files(files or None, overwrite=overwrite)
        except CampaignDataError as error:
            raise CommandError("Tệp dữ liệu không hợp lệ, không nạp gì:\n" + "\n".join(f"  - {p}" for p in error.problems))
        self.stdout.write(self.style.SUCCESS(str(report)))
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Cần xem lại: {warning}"))
