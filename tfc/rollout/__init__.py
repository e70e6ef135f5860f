"""``tfc rollout``: one commit applied tier by tier (dev → staging → prod → gxp), each only after the last succeeded."""
