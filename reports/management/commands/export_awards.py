"""python manage.py export_awards --campaign CODE --round CODE --out FILE.xlsx [filters]

The award list of a round from the shell, the same file the portal gives (write-only mode, so a
list of any length streams to disk). The shell is the operator's: every nomination of the round
is listed, drafts aside unless --status draft.
"""
from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Round
from reports.exporters import AwardListExporter
from reports.filters import AwardListFilters, FilterError
from nominations.models import Status


class Command(BaseCommand):
    help = "Xuất danh sách đề nghị khen thưởng của một đợt ra tệp Excel (.xlsx) / Export a round's award list to .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Mã phong trào, ví dụ ninh-thuan-2024.")
        parser.add_argument("--round", required=True, help="Mã đợt, ví dụ nam-2024.")
        parser.add_argument("--out", required=True, help="Tệp .xlsx sẽ ghi.")
        parser.add_argument("--stage", type=int, help="Thứ tự bước hiện tại của hồ sơ (1, 2, ...).")
        parser.add_argument("--status", choices=Status.values, help="Trạng thái hồ sơ.")
        parser.add_argument("--award-form", help="Mã hình thức khen thưởng của đợt.")
        parser.add_argument("--category", help="Mã khối của tập thể / đơn vị công tác.")
        parser.add_argument("--unit", help="Mã đơn vị đề nghị.")
        parser.add_argument("--per-award-form", action="store_true", help="Mỗi hình thức khen thưởng một trang tính.")

    def handle(self, *args, **options):
        round_ = Round.objects.select_related("campaign").filter(campaign__code=options["campaign"], code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"Không có đợt '{options['round']}' của phong trào '{options['campaign']}'.")
        out = options["out"]
        if not out.lower().endswith(".xlsx"):
            raise CommandError("Tệp ra phải có đuôi .xlsx.")
        filters = AwardListFilters(
            stage=options["stage"],
            status=options["status"] or "",
            award_form=options["award_form"] or "",
            category=options["category"] or "",
            unit=options["unit"] or "",
            per_award_form=options["per_award_form"],
        )
        try:
            exporter = AwardListExporter(round_, filters)
        except FilterError as error:
            raise CommandError(str(error)) from error
        rows = exporter.write(out)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {rows} dòng vào {out} ({exporter.resolved.describe()})"))
