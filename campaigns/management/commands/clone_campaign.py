from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.services.campaigns import CampaignCloneError, clone_campaign


class Command(BaseCommand):
    help = (
        "Tạo giai đoạn mới của một phong trào từ giai đoạn cũ: các đợt dời theo năm, cơ quan theo tổ chức hiện hành, "
        "căn cứ pháp lý đang có hiệu lực; văn bản căn cứ và mục tiêu để trống cho kế hoạch mới. Phong trào mới là bản nháp."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Mã phong trào gốc")
        parser.add_argument("--code", required=True, help="Mã phong trào mới")
        parser.add_argument("--name", required=True, help="Tên phong trào mới")
        parser.add_argument("--start", required=True, type=int, help="Năm bắt đầu (YYYY)")
        parser.add_argument("--end", required=True, type=int, help="Năm kết thúc (YYYY)")

    def handle(self, *args, campaign, code, name, start, end, **options):
        source = Campaign.objects.filter(code=campaign).first()
        if source is None:
            raise CommandError(f"Không có phong trào mã '{campaign}'.")
        try:
            new = clone_campaign(campaign=source, code=code, name=name, start=start, end=end)
        except CampaignCloneError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Đã tạo phong trào '{new.code}' (bản nháp, {start}-{end}) với các đợt:")
        for round_ in new.rounds.order_by("year", "code"):
            self.stdout.write(f"  {round_.code}: {round_.name}")
