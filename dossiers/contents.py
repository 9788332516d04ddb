"""Which nominations a generated file shows, recorded when the file is written.

A reader may open a document only if they may see every nomination in it
(dossiers.rules.can_view_document): a unit's stage dossier holds drafts and nominations that
have not reached a later stage, which that stage's people must not read through the dossier.
"""
from __future__ import annotations

from collections.abc import Iterable

from dossiers.models import NOMINEE_KINDS


def nomination_ids_of(kind: str, nomination_id: int | None, source: dict) -> list[int]:
    """The nominations one document shows: its nominee for a report, else every nominee row of
    its source (the tờ trình's list, the minutes' votes, the draft decision's list)."""
    if kind in NOMINEE_KINDS:
        return [nomination_id] if nomination_id is not None else []
    ids: set[int] = {row["id"] for row in source.get("rows", ()) if "id" in row}
    for group in source.get("groups", ()):
        for row in (*group.get("collectives", ()), *group.get("individuals", ())):
            ids.add(row["id"])
    return sorted(ids)


def union(id_lists: Iterable[list[int] | None]) -> list[int]:
    ids: set[int] = set()
    for id_list in id_lists:
        ids.update(id_list or ())
    return sorted(ids)
