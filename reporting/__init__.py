"""Usage reports: resources under management (RUM) over time, rebuilt from state-version history."""
