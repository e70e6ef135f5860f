"""Which files each workspace depends on: its local-module tree and the files its code reads.

The map is what TFC's trigger patterns are generated from, so a module change plans only the workspaces that
use it. See docs/dependency-map.md for the resolution rules and the YAML schema.
"""
