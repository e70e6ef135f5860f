"""Agent-pool exhaustion, run queues, slow plans and agent autoscaling, as a library, a Lambda and `tfc monitor`."""
