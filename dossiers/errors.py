"""Errors with a Vietnamese message for the user (imported by rendering and services alike)."""


class DossierError(Exception):
    """A refused request or a document that cannot be built from the data as it is: retrying
    would not help, so tasks record the message instead of retrying."""
