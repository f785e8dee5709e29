"""The hand-over to a professional: callback requests stored in an outbox and mailed over SMTP."""
