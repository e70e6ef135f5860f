"""Batch review and apply: select the runs of a commit, decide with wildcard rules, group, apply safely."""
