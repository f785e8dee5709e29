"""What several test modules share: starting servers, talking to them, browsers, sign-in.

Helpers only; fixtures live in the conftest.py files, and test modules never import
each other.
"""
