"""Wijkwijzer product logic (routing, neighbourhood database, locations); no rasa_sdk here."""
