"""Thin Rasa custom actions: read slots, call bot/, emit events and responses."""
