"""State backup: a signed TFC webhook copies each applied state to S3; sweep, verify and restore make it provable.

Pure decisions (``signature``, ``events``, ``notification``, ``statefile``, ``layout``, ``rules``) are kept apart
from the I/O (``store`` for S3, ``capture`` for TFC) and the entry points (``lambda_handler``, ``tfc backup``).
"""
