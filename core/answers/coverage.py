"""Does the book answer this question? Decided on retrieval signals, calibrated on questions the
book covers and questions it does not (`python benchmarks/answers.py --calibrate`, which also
prints the precision and recall of the decision on dev and held-out sets).

A question about how the class is run (its dates, rooms, deadlines: core/answers/logistics.py) is
the instructor's to answer and is declined before these signals are weighed (core/answers/service.py).

Then two steps. A question naming something the book never mentions (a rare word absent from it:
"PPO", "Webots", "sourdough") is declined outright. Otherwise a logistic model weighs how close
the best passages are in meaning, how many of the question's words they hold, how strong the
keyword match is, and how many of its words the book never uses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from core.books.search import Signals


@dataclass(frozen=True)
class CoverageModel:
    # Fitted by benchmarks/answers.py --calibrate on the dev sets (figures in the README).
    w_dense_top: float = 7.709
    w_dense_mean: float = 2.042
    w_coverage: float = 2.21
    w_lexical: float = 3.553  # on log(1 + best BM25 score)
    w_absent: float = -5.327
    bias: float = -15.549
    threshold: float = 0.23
    # Without dense vectors (no embedding model), a plainer rule:
    lexical_coverage_min: float = 0.6
    lexical_absent_max: float = 0.3

    def probability(self, s: Signals) -> float:
        z = (
            self.bias
            + self.w_dense_top * s.dense_top
            + self.w_dense_mean * s.dense_mean
            + self.w_coverage * s.term_coverage
            + self.w_lexical * math.log1p(max(s.lexical_top, 0.0))
            + self.w_absent * s.absent_fraction
        )
        return 1.0 / (1.0 + math.exp(-z))

    def covered(self, signals: Signals, *, lexical_only: bool = False) -> bool:
        if signals.unknown_terms:
            return False  # it names something the book never mentions
        if lexical_only:
            return (
                signals.term_coverage >= self.lexical_coverage_min
                and signals.absent_fraction <= self.lexical_absent_max
            )
        return self.probability(signals) >= self.threshold
