"""Operations: roles, API tokens, demo data, the embedded process runner, heartbeat task."""
