from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign, Round
from campaigns.services.rounds import RoundCloneError, clone_round


class Command(BaseCommand):
    help = (
        "Sao chép một đợt xét khen thưởng sang năm khác: hạn chót dời theo năm, căn cứ pháp lý và cơ quan "
        "thực hiện theo hiện hành. In mã đợt mới."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Mã phong trào")
        parser.add_argument("--round", required=True, dest="round_code", help="Mã đợt gốc")
        parser.add_argument("--year", required=True, type=int, help="Năm của đợt mới (YYYY)")
        parser.add_argument("--code", default=None, help="Mã đợt mới (mặc định: theo mã đợt gốc và năm mới)")
        parser.add_argument("--name", default=None, help="Tên đợt mới (mặc định: tên đợt gốc với năm mới)")

    def handle(self, *args, campaign, round_code, year, code, name, **options):
        campaign_obj = Campaign.objects.filter(code=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"Không có phong trào mã '{campaign}'.")
        round_ = Round.objects.filter(campaign=campaign_obj, code=round_code).first()
        if round_ is None:
            codes = ", ".join(campaign_obj.rounds.values_list("code", flat=True)) or "không có"
            raise CommandError(f"Phong trào '{campaign}' không có đợt mã '{round_code}' (các đợt: {codes}).")
        try:
            new_round = clone_round(round_=round_, year=year, code=code, name=name)
        except RoundCloneError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(new_round.code)
