"""Errors that reach a visitor or an officer, with a code and a Bahasa Indonesia message."""


class LoketError(Exception):
    """A refused request: ``code`` is snake_case, ``message`` is for people, in Indonesian."""

    status = 400

    def __init__(self, code: str, message: str, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        if status is not None:
            self.status = status

    def to_dict(self) -> dict:
        """The JSON body of the error response."""
        return {"error": {"code": self.code, "message": self.message}}


class NotFound(LoketError):
    status = 404


class Conflict(LoketError):
    """The request is valid but the queue is not in a state that allows it."""

    status = 409
