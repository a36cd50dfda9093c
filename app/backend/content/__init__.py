"""Content intake: upload requests become recorded encoding jobs (the studio's workflow runs them)."""
