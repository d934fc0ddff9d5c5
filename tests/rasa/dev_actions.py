"""A Rasa developer's own action package (loaded with ``rasa_packages``), as in the docs."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from skill.rasa import current_call


class ActionTellWeather(Action):  # type: ignore[misc]
    """The docs' example action (docs_weather_response.json)."""

    def name(self) -> str:
        return "action_tell_weather"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="This is your weather forecast!")
        return [SlotSet("temperature", "30")]


class ActionWhoAmI(Action):  # type: ignore[misc]
    """Shows that a developer's action knows the service user the token belongs to."""

    def name(self) -> str:
        return "action_who_am_i"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"You are {current_call().user_id}.")
        return []
