"""Reminders where people already look: a calendar feed, a mail digest and a daily push."""
