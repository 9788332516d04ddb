from django.core.management.base import BaseCommand, CommandError

from campaigns.services.units import UnitImportError, import_units


class Command(BaseCommand):
    help = (
        "Nhập đơn vị từ tệp Excel (.xlsx) có dòng tiêu đề: mã, tên, khối, cấp, đơn vị cấp trên; tùy chọn: "
        "viết tắt, địa danh, email, hiệu lực từ, hiệu lực đến. Mọi dòng được kiểm tra trước; "
        "có một dòng sai thì không nhập gì."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp .xlsx")
        parser.add_argument(
            "--update",
            action="store_true",
            help="Cập nhật đơn vị đã có cùng mã (mặc định: mã đã tồn tại là lỗi).",
        )

    def handle(self, *args, file, update=False, **options):
        try:
            result = import_units(file=file, update=update)
        except UnitImportError as error:
            raise CommandError(
                f"Tệp '{file}' không hợp lệ, không nhập đơn vị nào:\n" + "\n".join(f"  - {p}" for p in error.problems)
            )
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(warning))
        self.stdout.write(self.style.SUCCESS(str(result)))
