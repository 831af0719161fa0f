"""The error every area's commands raise for a problem the operator can fix."""

from __future__ import annotations


class UserError(Exception):
    """A problem the operator can fix; printed as one clear line, exit code 2."""
