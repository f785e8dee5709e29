"""Wijkwijzer's own Rasa NLU components, referenced from config.yml by module path."""
