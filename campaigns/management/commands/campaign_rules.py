import json

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Campaign
from campaigns.selectors import campaign_rules


class Command(BaseCommand):
    help = "In quy định của một phong trào (tiêu chí, số lượng, các bước, hạn chót) để đối chiếu."

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="Mã phong trào")
        parser.add_argument("--json", action="store_true", help="In dạng JSON")
        parser.add_argument("--list", action="store_true", help="Liệt kê mã các phong trào")

    def handle(self, *args, code=None, json=False, list=False, **options):
        if list:
            for campaign in Campaign.objects.order_by("code"):
                self.stdout.write(f"{campaign.code}\t{campaign.name}")
            return
        if not code:
            raise CommandError("Cần mã phong trào, hoặc --list để xem các mã.")
        campaign = Campaign.objects.filter(code=code).select_related("issuer").first()
        if campaign is None:
            raise CommandError(f"Không có phong trào mã '{code}'. Dùng --list để xem các mã.")
        rules = campaign_rules(campaign)
        if json:
            self.stdout.write(_dumps(rules))
            return
        self.stdout.write(f"{rules['code']}: {rules['name']} ({rules['issuer']})")
        for round_ in rules["rounds"]:
            self.stdout.write(f"\n== {round_['code']}: {round_['name']} ({round_['year']})")
            for stage in round_["stages"]:
                mark = "" if stage["deadline_stated"] else " (suy ra)"
                self.stdout.write(f"  bước {stage['order']}: {stage['name']} — hạn {stage['deadline']}{mark}")
            for quota in round_["quotas"]:
                unit = f" [{quota['unit']}]" if quota["unit"] else ""
                self.stdout.write(
                    f"  số lượng: {quota['award_form']} / {quota['nominee_kind']} / {quota['scope']}"
                    f" {quota['categories']}{unit}: {quota['limit']}"
                )
            self.stdout.write(f"  tiêu chí: {len(round_['criteria'])} dòng")


def _dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
