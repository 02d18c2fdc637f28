"""Domain exceptions. Each blueprint maps them to its own error shape."""


class ServiceError(Exception):
    """Base of every failure a service reports to its caller."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """The thing does not exist, or is not in the caller's ledger (never say which)."""

    def __init__(self, what="Not found", *, entity=None):
        super().__init__(what)
        self.entity = entity


class Forbidden(ServiceError):
    """The caller may see the thing but not do this to it."""


class Invalid(ServiceError):
    """Input that breaks a rule. ``errors`` maps each field to one message."""

    def __init__(self, errors, message=None):
        self.errors = dict(errors)
        super().__init__(message or next(iter(self.errors.values()), "Invalid input."))

    @classmethod
    def field(cls, name, message):
        return cls({name: message})


class AuthenticationFailed(ServiceError):
    """Credentials did not identify a user."""
