"""The campaign editor: a campaign manager sets up a campaign from nothing in the browser's forms,
with the loader's checks and messages; "Kiểm tra" lists what is missing and a round opens only
when it is empty; a change after submissions is versioned; the editor is scoped to the issuer."""
import datetime as dt
import html

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from campaigns.models import Campaign, Membership, PublicationStatus, Role, Round, RuleChange, Unit, UnitCategory
from campaigns.services.loading import load_campaign_files

pytestmark = pytest.mark.django_db

CODE = "son-la-cds-2026"
ROUND = "nam-2026"


def formset(prefix, rows):
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "500"}
    for i, row in enumerate(rows):
        data[f"{prefix}-{i}-ORDER"] = str(i + 1)
        for key, value in row.items():
            if isinstance(value, bool):
                if value:
                    data[f"{prefix}-{i}-{key}"] = "on"
            elif isinstance(value, list):
                data[f"{prefix}-{i}-{key}"] = value
            else:
                data[f"{prefix}-{i}-{key}"] = str(value)
    return data


def round_post(*, stages=None, quotas=None):
    data = {
        "round-code": ROUND, "round-name": "Năm 2026", "round-kind": "annual", "round-year": "2026",
        "round-legal_basis": "nd-152-2025", "round-source": "Kế hoạch số 12/KH-UBND, mục III",
    }
    data |= formset("award_forms", [
        {"code": "bang-khen", "name": "Bằng khen của Chủ tịch UBND tỉnh", "granted_by": "Chủ tịch UBND tỉnh",
         "nominee_kinds": ["collective", "individual"], "dossier_copies": 1, "vote_rule": "bang-khen-giay-khen-nd152",
         "outcome": "award", "source": "Kế hoạch 12/KH-UBND, mục III.1"},
        {"code": "giay-khen", "name": "Giấy khen của Giám đốc Sở KH&CN", "granted_by": "Giám đốc Sở Khoa học và Công nghệ",
         "nominee_kinds": ["individual"], "dossier_copies": 1, "vote_rule": "bang-khen-giay-khen-nd152",
         "outcome": "award", "source": "Kế hoạch 12/KH-UBND, mục III.2"},
    ])
    data |= formset("stages", stages or [
        {"order": 1, "name": "Đơn vị đề nghị", "action": "unit_council", "deadline": "15/11/2026", "deadline_stated": True, "holds_council": True, "source": "mục IV.1"},
        {"order": 2, "name": "Sở KH&CN tổng hợp", "organisation": "skhcn-son-la", "action": "review", "deadline": "30/11/2026", "deadline_stated": True, "source": "mục IV.2"},
        {"order": 3, "name": "Chủ tịch UBND tỉnh quyết định", "organisation": "vpubnd-son-la", "action": "decision", "deadline": "20/12/2026", "deadline_stated": True, "holds_council": True, "source": "mục IV.3"},
    ])
    data |= formset("eligibility", [])
    data |= formset("allocations", [])
    data |= formset("quotas", quotas if quotas is not None else [
        {"code": "bk-tap-the", "label": "Bằng khen: không quá 05 tập thể", "award_form": "bang-khen", "nominee_kind": "collective", "scope": "round", "limit": 5, "binds_at": "review", "category_of": "nominee", "source": "mục III.1.a"},
        {"code": "bk-ca-nhan", "label": "Bằng khen: không quá 07 cá nhân", "award_form": "bang-khen", "nominee_kind": "individual", "scope": "round", "limit": 7, "binds_at": "review", "category_of": "nominee", "source": "mục III.1.b"},
    ])
    criteria = [
        {"code": f"tc-{i}", "label": f"Tiêu chí {i}", "nominee_kind": "collective" if i < 4 else "individual", "kind": kind,
         "operator": op, "threshold": threshold, "mandatory": True, "source": f"mục II.{i}"}
        for i, (kind, op, threshold) in enumerate(
            [("percentage", "gte", "80"), ("boolean", "", ""), ("evidence", "", ""), ("percentage", "gt", "50"), ("boolean", "", "")], start=1
        )
    ]
    data |= formset("criteria", criteria)
    return data


@pytest.fixture
def manager(client, seed_campaigns):
    user = get_user_model().objects.create_user("qtpt-son-la", password="x-Mat-khau-9")
    Membership.objects.create(user=user, unit=Unit.objects.get(code="ubnd-tinh-son-la"), role=Role.CAMPAIGN_MANAGER)
    client.force_login(user)
    return user


def create_campaign(client):
    return client.post(reverse("campaign_editor_home"), {
        "code": CODE, "name": "Phong trào thi đua chuyển đổi số tỉnh Sơn La giai đoạn 2026-2030",
        "issuer": "ubnd-tinh-son-la", "issuer_title": "Ủy ban nhân dân tỉnh Sơn La",
        "period_start": "01/01/2026", "period_end": "31/12/2030",
    })


def test_a_campaign_is_built_from_nothing_checked_and_published(client, manager):
    response = create_campaign(client)
    assert response.status_code == 302
    campaign = Campaign.objects.get(code=CODE)
    assert campaign.status == PublicationStatus.DRAFT
    assert campaign.data_file == ""

    # The round, with a stage missing its deadline: the loader's message, nothing saved.
    stages = [
        {"order": 1, "name": "Đơn vị đề nghị", "action": "unit_council", "deadline": "15/11/2026", "source": "mục IV.1"},
        {"order": 2, "name": "Sở KH&CN tổng hợp", "organisation": "skhcn-son-la", "action": "review", "source": "mục IV.2"},
    ]
    response = client.post(reverse("round_create", args=[CODE]), round_post(stages=stages))
    assert response.status_code == 200
    # Named as the page shows the row: its table and line (the loader says "stages[1] (...)").
    assert "Các bước xét và hạn chót, dòng 2 (Sở KH&CN tổng hợp): bước xét không có hạn chót ('deadline')" in html.unescape(response.content.decode())
    assert not Round.objects.filter(campaign=campaign).exists()
    # A quota on an award form the round lacks: the loader's message too.
    bad_quota = [{"code": "x", "award_form": "huan-chuong", "nominee_kind": "collective", "scope": "round", "limit": 1, "source": "?"}]
    response = client.post(reverse("round_create", args=[CODE]), round_post(quotas=bad_quota))
    assert "Số lượng khen thưởng, dòng 1 (x): hình thức khen thưởng không có trong đợt: 'huan-chuong'" in html.unescape(response.content.decode())

    response = client.post(reverse("round_create", args=[CODE]), round_post())
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = Round.objects.get(campaign=campaign, code=ROUND)
    assert round_.status == PublicationStatus.DRAFT
    assert [s.order for s in round_.stages.all()] == [1, 2, 3]
    assert round_.award_forms.count() == 2 and round_.criteria.count() == 5 and round_.quota_rules.count() == 2
    assert round_.criteria.get(code="tc-1").threshold == 80

    # Kiểm tra: the campaign has no plan document yet, so nothing can be published.
    page = client.get(reverse("round_check", args=[CODE, ROUND])).content.decode()
    assert "chưa có văn bản căn cứ" in page
    client.post(reverse("round_check", args=[CODE, ROUND]), {"action": "publish"})
    round_.refresh_from_db()
    assert round_.status == PublicationStatus.DRAFT

    campaign_post = {
        "campaign-code": CODE, "campaign-name": campaign.name, "campaign-issuer": "ubnd-tinh-son-la",
        "campaign-issuer_title": "Ủy ban nhân dân tỉnh Sơn La", "campaign-period__start": "01/01/2026", "campaign-period__end": "31/12/2030",
    }
    campaign_post |= {f"campaign-{k}": v for k, v in formset("x", []).items()}  # no effect: other prefix
    campaign_post |= formset("documents", [
        {"number": "12/KH-UBND", "date": "15/01/2026", "issuer": "Ủy ban nhân dân tỉnh Sơn La", "title": "Kế hoạch phát động phong trào thi đua chuyển đổi số giai đoạn 2026-2030", "kind": "ke_hoach"},
    ])
    campaign_post |= formset("targets", [])
    response = client.post(reverse("campaign_editor", args=[CODE]), campaign_post)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert campaign.documents.get().number == "12/KH-UBND"

    page = client.get(reverse("round_check", args=[CODE, ROUND])).content.decode()
    assert "data-check-ok" in page, page
    client.post(reverse("round_check", args=[CODE, ROUND]), {"action": "publish"})
    round_.refresh_from_db()
    campaign.refresh_from_db()
    assert round_.status == PublicationStatus.PUBLISHED and campaign.status == PublicationStatus.PUBLISHED

    # The campaign's page counts its participants by category (its territory's units).
    page = html.unescape(client.get(reverse("campaign_editor", args=[CODE])).content.decode())
    assert "data-participants" in page and UnitCategory.objects.get(code="so_ban_nganh").name in page

    # Preview as a unit: Sở KH&CN's officers see the two award forms and the criteria for them.
    unit = Unit.objects.get(code="skhcn-son-la")
    page = client.get(reverse("round_preview", args=[CODE, ROUND]), {"don_vi": unit.pk}).content.decode()
    assert "Bằng khen của Chủ tịch UBND tỉnh" in page and "Tiêu chí 1" in page and "tối đa 5" in page


def test_the_editor_is_scoped_to_the_issuing_organisation(client, manager):
    create_campaign(client)
    outsider = get_user_model().objects.create_user("qtpt-thanh-hoa", password="x-Mat-khau-9")
    Membership.objects.create(user=outsider, unit=Unit.objects.get(code="ubnd-tinh-thanh-hoa"), role=Role.CAMPAIGN_MANAGER)
    client.force_login(outsider)
    assert client.get(reverse("campaign_editor", args=[CODE])).status_code == 404
    assert client.get(reverse("campaign_editor", args=["son-la-2021-2025"])).status_code == 404
    assert client.get(reverse("campaign_editor", args=["thanh-hoa-2024"])).status_code == 200
    officer = get_user_model().objects.create_user("can-bo", password="x-Mat-khau-9")
    Membership.objects.create(user=officer, unit=Unit.objects.get(code="skhcn-son-la"), role=Role.UNIT_OFFICER)
    client.force_login(officer)
    assert client.get(reverse("campaign_editor_home")).status_code == 404


def test_a_change_after_submissions_is_versioned_and_logged(client, manager):
    from nominations.models import Status
    from tests.factories import NominationFactory

    round_ = Round.objects.get(campaign__code="son-la-2021-2025", code="nam-2023")
    unit = Unit.objects.get(code="skhcn-son-la")
    NominationFactory(
        round=round_, stage=round_.stages.get(order=2), award_form=round_.award_forms.first(),
        proposing_unit=unit, status=Status.IN_REVIEW,
    )
    page = client.get(reverse("round_editor", args=["son-la-2021-2025", "nam-2023"]))
    assert page.status_code == 200
    # Post the form back as it was shown, with one quota lowered.
    form_page = page.context
    data = {}
    for field in form_page["form"]:
        value = field.value()
        if value not in (None, "", False):
            data[field.html_name] = "on" if value is True else value
    for key, spec, title, formset in form_page["tables"]:
        data.update({f.html_name: f.value() for f in formset.management_form})
        for row in formset.forms:
            for field in row:
                value = field.value()
                if value in (None, "", False):
                    continue
                if isinstance(value, dt.date):
                    value = value.strftime("%d/%m/%Y")
                data[field.html_name] = "on" if value is True else value
    quota_index = next(i for i, row in enumerate(dict((t[0], t[3]) for t in form_page["tables"])["quotas"].forms) if row.initial.get("code") == "bk-tap-the")
    # A change that breaks the published round (the shares no longer add up to the total) is refused.
    response = client.post(reverse("round_editor", args=["son-la-2021-2025", "nam-2023"]), {**data, f"quotas-{quota_index}-limit": "10"})
    assert response.status_code == 200
    assert "các phần cộng lại 11, khác số tổng 10" in html.unescape(response.content.decode())
    assert not RuleChange.objects.filter(round=round_).exists()

    data[f"quotas-{quota_index}-label"] = "Bằng khen của Chủ tịch UBND tỉnh: không quá 11 tập thể (sửa)"
    response = client.post(reverse("round_editor", args=["son-la-2021-2025", "nam-2023"]), data)
    assert response.status_code == 302, response.content.decode()[:4000]
    change = RuleChange.objects.get(round=round_)
    assert change.version == 1
    assert change.summary == ["sửa số lượng 'bk-tap-the': label"], change.summary  # the form loses nothing else
    assert change.after["quotas"][quota_index]["label"].endswith("(sửa)")
    # Saved again unchanged: no new version.
    client.post(reverse("round_editor", args=["son-la-2021-2025", "nam-2023"]), data)
    assert RuleChange.objects.filter(round=round_).count() == 1
    # The data file is not loaded over the edit.
    from campaigns.services.loading import CampaignDataError

    with pytest.raises(CampaignDataError, match="đã được sửa trên cổng"):
        load_campaign_files()


def test_a_new_phase_is_made_from_an_old_one_in_the_editor(client, manager):
    response = client.post(reverse("campaign_editor_home"), {
        "clone": "1", "clone-campaign": "son-la-2021-2025", "clone-code": "son-la-2026-2030",
        "clone-name": "Phong trào thi đua chuyển đổi số tỉnh Sơn La giai đoạn 2026-2030", "clone-start": "2026", "clone-end": "2030",
    })
    assert response.status_code == 302
    campaign = Campaign.objects.get(code="son-la-2026-2030")
    assert campaign.status == PublicationStatus.DRAFT
    assert not campaign.documents.exists() and not campaign.targets.exists()  # the new plan's, left to fill in
    assert campaign.rounds.exists() and all(r.year >= 2026 for r in campaign.rounds.all())
    # A code already taken: the service's Vietnamese refusal on the page, nothing made.
    response = client.post(reverse("campaign_editor_home"), {
        "clone": "1", "clone-campaign": "son-la-2021-2025", "clone-code": "son-la-2026-2030",
        "clone-name": "Lần hai", "clone-start": "2026", "clone-end": "2030",
    })
    assert response.status_code == 200
    assert "đã được dùng" in html.unescape(response.content.decode())
    assert Campaign.objects.filter(code="son-la-2026-2030").count() == 1


def test_a_stage_order_is_its_row_position(client, manager):
    """The stage table has no order of its own to type: rows moved with "↑ Lên" (ORDER) order the stages."""
    create_campaign(client)
    stages = [
        {"name": "Đơn vị đề nghị", "action": "unit_council", "deadline": "15/11/2026", "deadline_stated": True, "holds_council": True, "source": "mục IV.1"},
        {"name": "Chủ tịch UBND tỉnh quyết định", "organisation": "vpubnd-son-la", "action": "decision", "deadline": "20/12/2026", "deadline_stated": True, "holds_council": True, "source": "mục IV.3"},
        {"name": "Sở KH&CN tổng hợp", "organisation": "skhcn-son-la", "action": "review", "deadline": "30/11/2026", "deadline_stated": True, "source": "mục IV.2"},
    ]
    data = round_post(stages=stages)
    data["stages-1-ORDER"], data["stages-2-ORDER"] = "3", "2"  # the last row moved up one
    response = client.post(reverse("round_create", args=[CODE]), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    round_ = Round.objects.get(campaign__code=CODE, code=ROUND)
    assert [(s.order, s.name) for s in round_.stages.order_by("order")] == [
        (1, "Đơn vị đề nghị"), (2, "Sở KH&CN tổng hợp"), (3, "Chủ tịch UBND tỉnh quyết định"),
    ]
    page = client.get(reverse("round_editor", args=[CODE, ROUND]))
    assert "order" not in page.context["tables"][1][3].forms[0].fields


def test_a_row_added_in_the_browser_starts_from_the_specs_defaults(client, manager):
    create_campaign(client)
    page = client.get(reverse("round_create", args=[CODE]))
    tables = {key: formset for key, _, _, formset in page.context["tables"]}
    stage = tables["stages"].empty_form
    assert stage["deadline_stated"].value() is True and not stage["holds_council"].value()
    award_form = tables["award_forms"].empty_form
    assert (award_form["dossier_copies"].value(), award_form["outcome"].value()) == (1, "award")
    assert tables["quotas"].empty_form["binds_at"].value() == "review"
    # A row added and left at its defaults, as the browser sends it: skipped, not an error.
    data = round_post()
    for key, index in (("award_forms", 2), ("stages", 3)):
        data[f"{key}-TOTAL_FORMS"] = str(index + 1)
        data[f"{key}-{index}-ORDER"] = str(index + 1)
        for field in tables[key].empty_form:
            value = field.value()
            if value not in (None, "", False) and field.name != "ORDER":
                data[field.html_name.replace("__prefix__", str(index))] = "on" if value is True else value
    assert data["stages-3-deadline_stated"] == "on" and data["award_forms-2-dossier_copies"] == 1
    response = client.post(reverse("round_create", args=[CODE]), data)
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    round_ = Round.objects.get(campaign__code=CODE, code=ROUND)
    assert (round_.award_forms.count(), round_.stages.count()) == (2, 3)


def test_the_editor_is_in_the_menu_of_campaign_managers_only(client, manager):
    page = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("campaign_editor_home")}"' in page
    officer = get_user_model().objects.create_user("can-bo-menu", password="x-Mat-khau-9")
    Membership.objects.create(user=officer, unit=Unit.objects.get(code="skhcn-son-la"), role=Role.UNIT_OFFICER)
    client.force_login(officer)
    assert reverse("campaign_editor_home") not in client.get(reverse("home")).content.decode()


def test_participants_are_imported_from_excel_inside_the_territory_only(client, manager, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.models import UnitImportJob
    from campaigns.services.unit_imports import run_unit_import
    from tests.campaigns.test_import_units import write_xlsx

    create_campaign(client)

    def upload(rows, name):
        path = tmp_path / name
        write_xlsx(path, rows)
        file = SimpleUploadedFile(name, path.read_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        return client.post(reverse("participants_import", args=[CODE]), {"file": file})

    inside = [
        ["so-xd-son-la", "Sở Xây dựng tỉnh Sơn La", "so_ban_nganh", "tinh", "ubnd-tinh-son-la", "SXD", "Sơn La", "", "", ""],
        ["ttcds-son-la", "Trung tâm Chuyển đổi số tỉnh Sơn La", "don_vi_su_nghiep", "tinh", "skhcn-son-la", "", "Sơn La", "", "", ""],
    ]
    def finished(name):
        job = UnitImportJob.objects.get(original_name=name)
        if job.status == "queued":  # a broker is configured (the test's transaction never commits): what its worker does
            run_unit_import(job.pk)
            job.refresh_from_db()
        return job

    response = upload(inside, "don-vi.xlsx")
    job = finished("don-vi.xlsx")
    assert response.status_code == 302 and response["Location"].endswith(f"/don-vi/nhap/{job.pk}/")
    assert job.status == "done" and job.created_count == 2
    assert Unit.objects.get(code="ttcds-son-la").parent.code == "skhcn-son-la"
    assert client.get(response["Location"]).status_code == 200

    outside = [["so-xd-thanh-hoa", "Sở Xây dựng tỉnh Thanh Hóa", "so_ban_nganh", "tinh", "ubnd-tinh-thanh-hoa", "", "Thanh Hóa", "", "", ""]]
    upload(outside, "ngoai.xlsx")
    job = finished("ngoai.xlsx")
    assert job.status == "failed"
    assert any("đơn vị cấp trên phải là Ủy ban nhân dân tỉnh Sơn La" in p for p in job.problems), job.problems
    assert not Unit.objects.filter(code="so-xd-thanh-hoa").exists()


def test_an_uploaded_file_may_not_reach_outside_the_manager_s_scope(client, manager, tmp_path):
    """The campaign's file names its units: one outside the territory may be repeated as it is (an
    export carries it), not changed; the issuer stays an organisation the user manages."""
    import yaml
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.services.campaign_files import campaign_yaml

    campaign = Campaign.objects.get(code="son-la-2021-2025")
    exported = yaml.safe_load(campaign_yaml(campaign))

    def upload(data):
        file = SimpleUploadedFile("son-la.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode(), content_type="application/x-yaml")
        response = client.post(reverse("campaign_upload", args=[campaign.code]), {"file": file}, follow=True)
        return html.unescape(response.content.decode())

    thanh_hoa = Unit.objects.get(code="ubnd-tinh-thanh-hoa")
    changed = {**exported, "organisations": exported["organisations"] + [
        {"code": thanh_hoa.code, "name": "Đổi tên từ tệp Sơn La", "category": thanh_hoa.category.code, "level": thanh_hoa.level},
    ]}
    page = upload(changed)
    assert "đơn vị 'ubnd-tinh-thanh-hoa' nằm ngoài địa bàn của phong trào" in page
    thanh_hoa.refresh_from_db()
    assert thanh_hoa.name != "Đổi tên từ tệp Sơn La"

    page = upload({**exported, "issuer": thanh_hoa.code})
    assert "cơ quan phát động 'ubnd-tinh-thanh-hoa' không thuộc đơn vị bạn quản trị phong trào" in page
    assert Campaign.objects.get(code="son-la-2021-2025").issuer.code == "ubnd-tinh-son-la"

    # The export itself, loaded back, passes (its units repeated as they are).
    page = upload(exported)
    assert "Đã nạp tệp" in page, page[page.find("alert"):][:2000]


def test_the_editor_s_messages_follow_the_user_s_language(client, manager):
    response = create_campaign(client)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Đã tạo phong trào 'Phong trào thi đua chuyển đổi số tỉnh Sơn La giai đoạn 2026-2030' (bản nháp)."
    ]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(reverse("campaign_editor_home"), {
        "code": CODE + "-b", "name": "Giai đoạn thử", "issuer": "ubnd-tinh-son-la", "issuer_title": "Ủy ban nhân dân tỉnh Sơn La",
        "period_start": "01/01/2026", "period_end": "31/12/2030",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == "Campaign 'Giai đoạn thử' created (draft)."


def posted_back(page, **changes) -> dict:
    """The round editor's POST as the browser sends the page back unchanged (every row kept, in its
    place), then `changes` (field name: value; None removes the field)."""
    data = {}
    forms = [page.context["form"]]
    for *_, formset in page.context["tables"]:
        data |= {field.html_name: field.value() for field in formset.management_form}
        forms += formset.forms
    for form in forms:
        for field in form:
            value = field.value()
            if value is True:
                data[field.html_name] = "on"
            elif value not in (None, False):
                data[field.html_name] = value
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def test_the_stage_numbers_of_dossier_minutes_follow_their_stages(client, manager):
    """A stage's dossier carries the council minutes of the stages its `dossier_minutes` numbers: when
    a stage before it is removed, the numbers follow (the page's numbers, not the new ones)."""
    create_campaign(client)
    stages = [
        {"name": "Đơn vị đề nghị", "action": "unit_council", "deadline": "15/11/2026", "deadline_stated": True, "holds_council": True, "source": "mục IV.1"},
        {"name": "Sở KH&CN tổng hợp", "organisation": "skhcn-son-la", "action": "review", "deadline": "30/11/2026", "deadline_stated": True, "source": "mục IV.2"},
        {"name": "Chủ tịch UBND tỉnh quyết định", "organisation": "vpubnd-son-la", "action": "decision", "deadline": "20/12/2026",
         "deadline_stated": True, "holds_council": True, "dossier_minutes": "3", "source": "mục IV.3"},
    ]
    response = client.post(reverse("round_create", args=[CODE]), round_post(stages=stages, quotas=[]))
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    round_ = Round.objects.get(campaign__code=CODE, code=ROUND)
    assert round_.stages.get(order=3).dossier_minutes == [3]  # its own minutes only, not the unit's

    page = client.get(reverse("round_editor", args=[CODE, ROUND]))
    response = client.post(reverse("round_editor", args=[CODE, ROUND]), posted_back(page, **{"stages-1-DELETE": "on"}))
    assert response.status_code == 302, html.unescape(response.content.decode())[:3000]
    assert [(s.order, s.name, s.dossier_minutes) for s in round_.stages.order_by("order")] == [
        (1, "Đơn vị đề nghị", [1]), (2, "Chủ tịch UBND tỉnh quyết định", [2]),
    ]


def test_a_stage_number_that_is_not_a_number_is_refused_in_vietnamese_and_nothing_is_saved(client, manager):
    create_campaign(client)
    response = client.post(reverse("round_create", args=[CODE]), round_post(quotas=[]))
    assert response.status_code == 302
    round_ = Round.objects.get(campaign__code=CODE, code=ROUND)
    page = client.get(reverse("round_editor", args=[CODE, ROUND]))
    before = [(s.order, s.name, s.dossier_minutes) for s in round_.stages.order_by("order")]
    response = client.post(reverse("round_editor", args=[CODE, ROUND]),
                           posted_back(page, **{"stages-2-dossier_minutes": "ba", "stages-1-DELETE": "on"}))
    assert response.status_code == 200
    text = html.unescape(response.content.decode())
    assert ("Các bước xét và hạn chót, dòng 2 (Chủ tịch UBND tỉnh quyết định): 'dossier_minutes' chỉ gồm thứ tự của bước này "
            "hoặc bước trước nó (nhận được ba)") in text
    assert [(s.order, s.name, s.dossier_minutes) for s in round_.stages.order_by("order")] == before
