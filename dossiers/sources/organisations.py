"""The issuing body of a document: its heading block (name, governing body, place, abbreviation,
party or state format), its head's title and the signer lines, and the body a stage sends to.
"""
from __future__ import annotations

from campaigns.models import DocumentFormat, Round, Stage, StageAction, Unit
from campaigns.stages import StageSequence
from campaigns.vn_format import body_abbreviation, heading_upper, upper_vi


def place_of(unit: Unit | None) -> str:
    seen = 0
    while unit is not None and seen < 10:
        if unit.place_name:
            return unit.place_name
        unit, seen = unit.parent, seen + 1
    return ""


def round_org_block(unit: Unit, round_: Round) -> dict:
    """org_block() of an organisation acting in `round_`: without a place name of its own, the
    place of the campaign's issuer."""
    return org_block(unit, fallback_place=place_of(round_.campaign.issuer))


def governing_body(unit: Unit) -> str:
    """The body a unit is under, where its category has one (a Sở under the People's Committee);
    "" for a People's Committee, a company, a mass organisation (the portal's tree still groups
    them under a People's Committee for quotas, but that is not their governing body)."""
    return unit.parent.name if unit.parent_id and unit.category.parent_in_heading else ""


def org_block(unit: Unit, *, fallback_place: str = "") -> dict:
    """How an organisation heads and signs its documents, from its category (and its own head's
    title where it has one): the parent body above its name only where the category says so
    (a Sở under the People's Committee; not a People's Committee, a company or a mass organisation)."""
    category = unit.category
    place = place_of(unit) or fallback_place
    party = category.document_format == DocumentFormat.PARTY
    block = {
        "id": unit.pk,
        "name": unit.name,
        "upper": upper_vi(unit.name),
        "parent_upper": upper_vi(governing_body(unit)),
        # The same names as the header prints them: kept whole where a line must not break.
        "heading": heading_upper(unit.name),
        "parent_heading": heading_upper(governing_body(unit)),
        "abbr": body_abbreviation(unit.name, unit.short_name),
        "place": place,
        "category": category.code,
        "is_ubnd": category.people_committee,
        "head_title": unit.head_title or category.head_title,
        "document_format": category.document_format,
        "party": party,
    }
    if party:
        # Hướng dẫn 36-HD/VPTW: the superior Party committee above the body, whose name is given
        # without the place the line above already names ("ĐẢNG BỘ TỈNH SƠN LA / VĂN PHÒNG TỈNH ỦY").
        superior = " ".join(part for part in (category.party_superior, place) if part)
        own = unit.name
        if place and own.endswith(" " + place):
            own = own[: -len(place) - 1]
        block["parent_heading"] = heading_upper(superior)
        block["heading"] = heading_upper(own)
    return block


def head_or_name(org: dict) -> str:
    """The head by title where the title is known ("Giám đốc Sở ..."), otherwise the body's name."""
    return titled(org) if org["head_title"] else org["name"]


def titled(org: dict) -> str:
    """The head of an organisation by title: "Giám đốc Sở Nội vụ tỉnh Sơn La", "Chủ tịch Ủy ban
    nhân dân tỉnh Sơn La", "Trưởng phòng Nội vụ thành phố Rạch Giá", "Chánh Văn phòng Tỉnh ủy Sơn La"
    (words that end the title and begin the name are said once); "Thủ trưởng <name>" when the title
    is not known."""
    title, name = org["head_title"] or "Thủ trưởng", org["name"]
    title_words, name_words = title.split(), name.split()
    for size in range(min(len(title_words), len(name_words) - 1), 0, -1):
        if [w.lower() for w in title_words[-size:]] == [w.lower() for w in name_words[:size]]:
            return " ".join(title_words + name_words[size:])
    return f"{title} {name}"


def signer_lines(org: dict) -> list[str]:
    """The authority and position a document of this organisation is signed with (bold capitals)."""
    if org["is_ubnd"]:
        return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]
    if org["head_title"]:
        return [upper_vi(org["head_title"])]
    return ["THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"]


def addressee_of(stage: Stage, organisation: Unit, stages: StageSequence) -> tuple[str, bool]:
    """(who a stage's tờ trình is sent to, whether that addressee itself grants the awards).
    The addressee is the organisation of the receiving stage, or the one who signs its decision
    ("Chủ tịch Ủy ban nhân dân tỉnh ..."); one that does not decide is asked to "xem xét, trình
    cấp có thẩm quyền", not to grant what it has no power to grant. ("", False) at the last level."""
    following = stages.receiving(stage, organisation)
    if following is None:
        return "", False
    target = following.organisation
    decides = following.action == StageAction.DECISION
    if decides and (target.head_title or target.category.head_title):
        return titled(org_block(target)), True
    return target.name, decides


def stage_issuer(stage: Stage, unit: Unit | None = None) -> Unit:
    """The organisation issuing a stage's documents: the stage's organisation, or at the unit
    stage the proposing unit."""
    return stage.organisation if stage.organisation_id else unit
