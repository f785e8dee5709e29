"""Rasa input/output channels of our own (WhatsApp Cloud API)."""
