"""The staff workspace's web handlers, one module per part; shared helpers in common.py."""
