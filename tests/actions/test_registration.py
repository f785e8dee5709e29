"""The actions rasa-sdk registers from `actions` are exactly the custom actions of domain.yml."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor


def test_registered_actions_match_the_domain(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    registered = set(executor.actions)
    assert registered == set(domain["actions"])
