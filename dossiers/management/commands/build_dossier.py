"""Build a stage's dossier from the shell, synchronously (no Celery), and copy its files out.

    python manage.py build_dossier --campaign ninh-thuan-2024 --round nam-2024 --stage 2 --out /tmp/ho-so
    python manage.py build_dossier --campaign ... --round ... --stage 1 --unit so-tai-chinh-nt --out DIR

At the unit stage (the first) there is one dossier per proposing unit: --unit picks one, without
it every unit with nominations gets its own sub-folder. Writes the merged PDF, each document's PDF
and Word file, and the ZIP. Records and numbers are the portal's own: running it twice on
unchanged data rebuilds nothing and writes the same files.
"""
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from campaigns.models import Round, Stage, Unit
from dossiers import selectors, services
from dossiers.models import BuildStatus, GeneratedDocument
from dossiers.services import zip_entry_name


class Command(BaseCommand):
    help = "Lập hồ sơ trình khen thưởng của một bước (PDF gộp, PDF và Word từng văn bản, ZIP) vào thư mục DIR."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help="Mã phong trào (campaign code).")
        parser.add_argument("--round", required=True, help="Mã đợt (round code).")
        parser.add_argument("--stage", required=True, type=int, help="Thứ tự bước (stage order).")
        parser.add_argument("--out", required=True, help="Thư mục ghi tệp (output directory).")
        parser.add_argument("--unit", help="Mã đơn vị đề nghị (ở bước đơn vị).")
        parser.add_argument("--force", action="store_true", help="Tạo phiên bản mới dù dữ liệu không đổi.")

    def handle(self, *args, **options):
        round_ = Round.objects.filter(campaign__code=options["campaign"], code=options["round"]).select_related("legal_basis").first()
        if round_ is None:
            raise CommandError(f"Không có đợt {options['round']} của phong trào {options['campaign']}.")
        stage = Stage.objects.filter(round=round_, order=options["stage"]).select_related("organisation", "round").first()
        if stage is None:
            raise CommandError(f"Đợt {round_.code} không có bước {options['stage']}.")
        if options.get("unit"):
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị {options['unit']}.")
            organisations = [unit]
        else:
            organisations = services.stage_organisations(stage)
        if not organisations:
            raise CommandError("Bước này chưa có đơn vị nào có hồ sơ.")
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        several = len(organisations) > 1
        failures = 0
        for organisation in organisations:
            target = out / organisation.code if several else out
            target.mkdir(parents=True, exist_ok=True)
            try:
                dossier = services.build_stage_dossier_now(stage=stage, organisation=organisation, force=options["force"])
            except services.DossierError as error:
                self.stderr.write(f"{organisation.name}: {error}")
                failures += 1
                continue
            if dossier.status != BuildStatus.DONE:
                self.stderr.write(f"{organisation.name}: {dossier.error or dossier.get_status_display()}")
                failures += 1
                continue
            written = self._copy(dossier, target)
            self.stdout.write(f"{organisation.name}: {len(written)} tệp, {dossier.page_count} trang (PDF gộp) → {target}")
        if failures == len(organisations):
            raise CommandError("Không lập được hồ sơ nào.")

    def _copy(self, dossier: GeneratedDocument, target: Path) -> list[Path]:
        written = []
        files = [("000_Ho-so-gop.pdf", dossier)]
        archive = services.zip_of(dossier)
        position, previous = 0, None
        for member in selectors.members_of(dossier):
            if member.identity != previous:
                position, previous = position + 1, member.identity
            files.append((zip_entry_name(position, member), member))
        if archive is not None and archive.status == BuildStatus.DONE:
            files.append(("Ho-so.zip", archive))
        for name, record in files:
            destination = target / name
            with record.file.open("rb") as source, open(destination, "wb") as stream:
                shutil.copyfileobj(source, stream)
            written.append(destination)
        return written
