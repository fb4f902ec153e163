"""Domain exceptions raised by services and turned into responses by views and error handlers."""


class FieldError(Exception):
    """Input that passed the form but breaks a rule found in the database (e.g. a name already taken)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


class Conflict(Exception):
    """The action does not fit the current state (HTTP 409), e.g. disabling the last administrator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
