import json
import time

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign, Round
from nominations.display import vietnamese_labels
from nominations.models import Status
from demo.simulation import SimulationError, simulate_round


class Command(BaseCommand):
    help = (
        "Mô phỏng một đợt xét: tạo N hồ sơ cho các đơn vị tham gia (tạo thêm đơn vị, tài khoản mô phỏng khi thiếu) "
        "và đưa từng hồ sơ qua mọi bước bằng các dịch vụ thật (hạn chót, tiêu chí, biểu quyết, số lượng)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Mã phong trào")
        parser.add_argument("--round", required=True, dest="round_code", help="Mã đợt")
        parser.add_argument("--nominations", required=True, type=int, help="Số hồ sơ cần tạo")
        parser.add_argument("--seed", type=int, default=0, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng kết quả)")
        parser.add_argument("--json", action="store_true", help="In kết quả dạng JSON")
        parser.add_argument("--leave-share", type=float, default=0.0, help="Tỷ lệ hồ sơ để lại ở mỗi bước (mặc định 0)")
        parser.add_argument("--return-share", type=float, default=0.0, help="Tỷ lệ hồ sơ bị trả lại ở mỗi bước xét (mặc định 0)")
        parser.add_argument("--reject-share", type=float, default=0.0, help="Tỷ lệ hồ sơ không được chấp thuận ở mỗi bước xét (mặc định 0)")
        parser.add_argument(
            "--no-shared-rules", action="store_false", dest="share_rules",
            help="Mỗi bước chuyển tự đọc lại quy định của đợt (chậm hơn, cùng kết quả; để đối chiếu)",
        )

    def handle(
        self, *args, campaign, round_code, nominations, seed, json: bool, leave_share, return_share, reject_share, share_rules=True, **options
    ):
        campaign_obj = Campaign.objects.filter(code=campaign).first()
        if campaign_obj is None:
            raise CommandError(f"Không có phong trào mã '{campaign}'.")
        round_ = Round.objects.filter(campaign=campaign_obj, code=round_code).first()
        if round_ is None:
            codes = ", ".join(campaign_obj.rounds.values_list("code", flat=True)) or "không có"
            raise CommandError(f"Phong trào '{campaign}' không có đợt mã '{round_code}' (các đợt: {codes}).")
        started = time.perf_counter()
        try:
            result = simulate_round(
                round_=round_, nominations=nominations, seed=seed, leave_share=leave_share, return_share=return_share,
                reject_share=reject_share, share_rules=share_rules,
            )
        except SimulationError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        if json:
            self.stdout.write(_dumps(result.as_dict()))
            return
        labels = vietnamese_labels(Status)
        stage_names = {str(s.order): s.name for s in round_.stages.all()}
        self.stdout.write(f"Đợt {round_.code} ({campaign}): {result.nominations} hồ sơ mô phỏng, hạt giống {seed}, {elapsed:.1f} giây.")
        self.stdout.write("Theo bước hiện tại:")
        for order, count in result.by_stage.items():
            self.stdout.write(f"  {order}. {stage_names.get(order, '')[:70]}: {count}")
        self.stdout.write("Theo trạng thái:")
        for status, count in result.by_status.items():
            if count:
                self.stdout.write(f"  {labels.get(status, status)}: {count}")
        self.stdout.write(f"Bị từ chối do vượt số lượng: {result.refused_by_quota}")
        self.stdout.write("Được khen thưởng (hình thức / đối tượng / khối / đơn vị đề nghị: số lượng):")
        for row in result.awarded:
            self.stdout.write(f"  {row['award_form']} / {row['nominee_kind']} / {row['category']} / {row['unit']}: {row['count']}")


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
