"""A loaded atlas: settings, configuration, checked records and the hand-written pages generated content joins."""

from __future__ import annotations

from dataclasses import dataclass, field

from litatlas.model.config import AtlasConfig
from litatlas.model.curation import Queue, Status
from litatlas.model.record import Record
from litatlas.model.settings import Settings


@dataclass
class Atlas:
    settings: Settings
    config: AtlasConfig
    records: list[Record]
    intros: dict[str, str] = field(default_factory=dict)
    status: Status = field(default_factory=Status)
    queue: Queue = field(default_factory=Queue)

    @property
    def counted(self) -> list[Record]:
        """The records that evidence counts: all but retracted papers."""
        return [r for r in self.records if not self.status.is_retracted(r.id)]
