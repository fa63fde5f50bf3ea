"""What runs on each page that ingest writes: the one place that lists it.

Row steps fill derived columns of new rows before they are inserted (sentiment and
phrases); page steps run inside the page's transaction once it is written (scoring items
the page changed, then rules on the new items). Whoever ingests (the sync engine, the
demo, an import) builds the pipeline here and passes it to `Store.save_page`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from inbox.services import rules, sentiment

if TYPE_CHECKING:
    from inbox.store import IngestResult, Store

RowStep = Callable[[list[dict[str, Any]], Mapping[sentiment.Key, sentiment.Analysis]], None]
PageStep = Callable[["Store", int, "IngestResult"], None]


@dataclass(frozen=True, slots=True)
class Pipeline:
    """Steps run on each ingested page (implements the store's `IngestPipeline`).

    `ahead` holds sentiment analyses made before the write, if a caller has them;
    `for_batch` gives a copy carrying one batch's analyses, so they travel with the write
    that uses them. `deferred` leaves new rows' analysis to the background pass."""

    row_steps: tuple[RowStep, ...] = ()
    page_steps: tuple[PageStep, ...] = ()
    ahead: Mapping[sentiment.Key, sentiment.Analysis] = field(default_factory=dict)

    def fill_new_rows(self, rows: list[dict[str, Any]]) -> None:
        for step in self.row_steps:
            step(rows, self.ahead)

    def after_page(self, store: Store, source_id: int, result: IngestResult) -> None:
        for step in self.page_steps:
            step(store, source_id, result)

    def deferred(self) -> Pipeline:
        """This pipeline without its row steps: new rows are written without their
        analysis, which the background pass (`sentiment.backfill`) adds later. For big
        hand-overs, so that analysis does not hold up the rows (a killed process leaves
        them pending, and the next pass resumes them)."""
        return replace(self, row_steps=(), ahead={}) if self.row_steps else self

    def for_batch(self, ahead: Mapping[sentiment.Key, sentiment.Analysis]) -> Pipeline:
        """This pipeline with the analyses made ahead for one batch of items."""
        return replace(self, ahead=ahead) if ahead else self


def default_pipeline() -> Pipeline:
    """Sentiment and phrases of new items, scores of changed ones, then the owner's rules.
    Loads the sentiment lexicon: call it off the event loop."""
    sentiment.warm_up()
    return Pipeline(row_steps=(sentiment.fill_new_rows,),
                    page_steps=(sentiment.score_changed, rules.on_ingest))
