"""Turn reminders: "your turn starts soon", queued by a periodic worker task."""
