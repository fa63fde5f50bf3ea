"""Feedback Inbox: reviews and mentions from many places in one local SQLite inbox."""

__version__ = "0.1.0"
APP_NAME = "Feedback Inbox"
APP_ID = "feedback-inbox"
