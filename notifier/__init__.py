"""Reminders for pending applies and owner notifications, as a library, a Lambda handler and `tfc remind`."""
