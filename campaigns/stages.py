"""A round's stages in their order: which one comes first, last, after or before another, and
which one receives a stage's dossiers. Read once per round object (`stages_of`)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from campaigns.models import Round, Stage


class StageSequence:
    """The stages of one round, ordered by `order`. Asked about a stage of another round, it
    raises KeyError."""

    def __init__(self, stages: Iterable[Stage]):
        self._stages = tuple(stages)
        self._position = {stage.pk: index for index, stage in enumerate(self._stages)}

    def __iter__(self) -> Iterator[Stage]:
        return iter(self._stages)

    def __len__(self) -> int:
        return len(self._stages)

    def __bool__(self) -> bool:
        return bool(self._stages)

    def __contains__(self, stage) -> bool:
        return getattr(stage, "pk", None) in self._position

    def __repr__(self) -> str:
        return f"StageSequence({[stage.order for stage in self._stages]})"

    @property
    def first(self) -> Stage | None:
        """The unit stage, where nominations are written and sent (None for a round without stages)."""
        return self._stages[0] if self._stages else None

    @property
    def last(self) -> Stage | None:
        """The final stage (the decision, or the proposal upward)."""
        return self._stages[-1] if self._stages else None

    @property
    def reviewing(self) -> tuple[Stage, ...]:
        """Every stage after the unit stage: those where an organisation reviews what it receives."""
        return self._stages[1:]

    @property
    def orders(self) -> list[int]:
        return [stage.order for stage in self._stages]

    def index(self, stage: Stage) -> int:
        return self._position[stage.pk]

    def by_pk(self, pk) -> Stage | None:
        position = self._position.get(pk)
        return None if position is None else self._stages[position]

    def by_order(self, order) -> Stage | None:
        return next((stage for stage in self._stages if stage.order == order), None)

    def is_first(self, stage: Stage) -> bool:
        return bool(self._stages) and self._stages[0].pk == stage.pk

    def is_last(self, stage: Stage) -> bool:
        return bool(self._stages) and self._stages[-1].pk == stage.pk

    def after(self, stage: Stage) -> Stage | None:
        """The stage that follows `stage` (None after the last)."""
        position = self._position[stage.pk] + 1
        return self._stages[position] if position < len(self._stages) else None

    def before(self, stage: Stage) -> Stage | None:
        """The stage that precedes `stage` (None before the first)."""
        position = self._position[stage.pk]
        return self._stages[position - 1] if position > 0 else None

    def following(self, stage: Stage) -> tuple[Stage, ...]:
        """Every stage after `stage`, in order."""
        return self._stages[self._position[stage.pk] + 1:]

    def receiving(self, stage: Stage, organisation) -> Stage | None:
        """The stage a stage's tờ trình goes to: the next one held by ANOTHER organisation (a Sở
        TT&TT proposing its own staff at the unit stage writes to the level after its own review)."""
        for later in self.following(stage):
            if later.organisation_id and later.organisation_id != organisation.pk:
                return later
        return None


def stages_of(round_: Round) -> StageSequence:
    """The round's stages, read once per round object: from the stages prefetched with it (ordered,
    with their organisation, as nominations.selectors prefetches them), or in one query."""
    sequence = getattr(round_, "_stage_sequence", None)
    if sequence is None:
        prefetched = getattr(round_, "_prefetched_objects_cache", {}).get("stages")
        organisation = Stage._meta.get_field("organisation")
        if prefetched is not None and all(organisation.is_cached(stage) for stage in prefetched):
            stages = sorted(prefetched, key=lambda stage: stage.order)
        else:
            stages = round_.stages.select_related("organisation").order_by("order")
        sequence = round_._stage_sequence = StageSequence(stages)
    return sequence


def keep_stages(round_: Round, stages: Iterable[Stage]) -> StageSequence:
    """Make `stages` (every stage of `round_`, read together, with their organisation) what
    stages_of(round_) answers, each of them pointing at `round_`: a page that reads one stage
    with its round's stages needs no second query."""
    stages = sorted(stages, key=lambda stage: stage.order)
    for stage in stages:
        stage.round = round_
    sequence = round_._stage_sequence = StageSequence(stages)
    return sequence
