"""The shared shape of our NLU components that learn nothing: they read or rewrite each message."""

from __future__ import annotations

import abc
from typing import Any, TypeVar

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

_Component = TypeVar("_Component", bound="StatelessComponent")


def is_resident_text(text: object) -> bool:
    """True for words a resident typed; "/intent" payloads from buttons are not."""
    return isinstance(text, str) and bool(text) and not text.startswith(INTENT_MESSAGE_PREFIX)


class StatelessComponent(GraphComponent, abc.ABC):
    """A component without training or stored state: its config, and one step per message.

    Subclasses implement `process_message`; one that also changes the training data
    overrides `process_training_data`. Each concrete class still registers itself with
    `DefaultV1Recipe.register(..., is_trainable=False)`: the recipe reads the decorator.
    """

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {}

    def __init__(self, config: dict[str, Any]) -> None:
        self.component_config = config

    @classmethod
    def create(
        cls: type[_Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> _Component:
        return cls(config)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            self.process_message(message)
        return messages

    @abc.abstractmethod
    def process_message(self, message: Message) -> None:
        """Reads `message` and sets what this component decides on it."""
