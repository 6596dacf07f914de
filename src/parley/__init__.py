"""Parley: code diplomatic events from news text."""

__version__ = "0.1.0"
