"""CloudWatch Embedded Metric Format: one JSON line per pool and one for plans, printed to stdout.

In a Lambda, CloudWatch Logs turns these lines into metrics with no API call (docs/monitoring.md, "Metrics").
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

SECONDS = "Seconds"
COUNT = "Count"


def line(namespace: str, at: datetime, dimensions: Mapping[str, str], metrics: Mapping[str, tuple[float, str]]) -> str:
    """One EMF document: ``metrics`` maps a metric name to (value, unit)."""
    document: dict[str, Any] = {
        "_aws": {"Timestamp": int(at.timestamp() * 1000), "CloudWatchMetrics": [{
            "Namespace": namespace, "Dimensions": [sorted(dimensions)],
            "Metrics": [{"Name": name, "Unit": unit} for name, (_, unit) in metrics.items()]}]},
        **dimensions,
        **{name: value for name, (value, _) in metrics.items()},
    }
    return json.dumps(document, sort_keys=True)
