"""The web side of Wijkwijzer: the demo page that shows the chat widget (see docs/widget.md)."""
