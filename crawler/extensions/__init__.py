"""Extensions: run-level concerns (rejects file, run outcome) wired through signals."""
