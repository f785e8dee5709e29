"""Wijkwijzer: the product's own logic (routing, neighbourhood database, locations); knows nothing of rasa_sdk."""
