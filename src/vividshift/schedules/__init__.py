"""Recurring runs of a domain: its configuration's `schedule`, claimed by workers."""
