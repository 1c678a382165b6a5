"""Talking to a jlforth kernel over a serial line (real port, pty or URL)."""
from .link import ForthLink, ForthError, LinkError, Reply

__all__ = ["ForthLink", "ForthError", "LinkError", "Reply"]
