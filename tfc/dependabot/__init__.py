"""``tfc dependabot``: .github/dependabot.yml generated from the workspaces, the providers they need and a policy."""
