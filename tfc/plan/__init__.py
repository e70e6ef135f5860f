"""``tfc plan``: speculative plans where a change lands, one canary per shape, grouped into one PR summary."""
