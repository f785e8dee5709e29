"""The staff workspace: sign-in, the review inbox and learning from real conversations."""
