"""Phiếu kín: secret-ballot year-end quality classification for a chi bộ."""

__version__ = "0.1.0"
