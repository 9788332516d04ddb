import time

from django.core.management.base import BaseCommand, CommandError

from demo.services import DemoDataError, load_demo
from campaigns.services.loading import CampaignDataError


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu trình diễn (chạy lại nhiều lần được): đơn vị tham gia mẫu, tài khoản mẫu theo vai trò, "
        "một đợt đang mở cho mỗi phong trào và hồ sơ mô phỏng ở các đợt đã qua. In bảng tài khoản ở cuối."
    )

    def add_arguments(self, parser):
        parser.add_argument("--nominations", type=int, default=12, help="Số hồ sơ mô phỏng cho mỗi đợt đã qua (mặc định 12)")

    def handle(self, *args, nominations, **options):
        started = time.perf_counter()
        try:
            report = load_demo(nominations=nominations)
        except (DemoDataError, CampaignDataError) as error:
            raise CommandError(str(error)) from error
        for message in report.skipped:
            self.stderr.write(self.style.WARNING(message))
        self.stdout.write(f"Đơn vị mẫu: {report.units}.")
        for campaign, code, deadline in report.live_rounds:
            self.stdout.write(f"Đợt đang mở: {campaign} / {code} (hạn bước 1: {deadline:%d/%m/%Y}).")
        for campaign, code, count in report.simulated:
            self.stdout.write(f"Đã mô phỏng {count} hồ sơ: {campaign} / {code}.")
        self.stdout.write(f"Xong trong {time.perf_counter() - started:.1f} giây.\n")
        rows = [("Tài khoản", "Mật khẩu", "Vai trò", "Đơn vị")] + [
            (a.username, a.password, a.role, a.unit_names) for a in report.accounts
        ]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
            if index == 0:
                self.stdout.write("  ".join("-" * w for w in widths) + "  " + "-" * 20)
